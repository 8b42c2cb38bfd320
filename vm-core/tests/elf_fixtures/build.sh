#!/bin/sh
# Rebuilds the committed BPF objects from their C sources, byte for byte.
# Needs clang-19 and libbpf-dev (bpf/bpf_helpers.h). Run from anywhere.
set -eu
cd "$(dirname "$0")"
for src in *.c; do
	clang-19 -target bpf -O2 -g \
		-I"/usr/include/$(uname -m)-linux-gnu" \
		-fdebug-compilation-dir=. \
		-c "$src" -o "${src%.c}.o"
done
# Without -g: no BTF, no line info (legacy map definitions still load).
clang-19 -target bpf -O2 \
	-I"/usr/include/$(uname -m)-linux-gnu" \
	-c tc_load_bytes.c -o tc_load_bytes_nodebug.o
