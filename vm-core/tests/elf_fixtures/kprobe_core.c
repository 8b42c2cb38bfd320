// kprobe and kretprobe reading struct pt_regs fields through CO-RE
// relocations (the struct is marked preserve_access_index, as vmlinux.h does).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pt_regs {
	unsigned long di;
	unsigned long si;
	unsigned long ax;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(key_size, sizeof(__u64));
	__uint(value_size, sizeof(__u64));
	__uint(max_entries, 128);
} last_arg SEC(".maps");

SEC("kprobe/do_unlinkat")
int on_unlink(struct pt_regs *ctx)
{
	__u64 pid = bpf_get_current_pid_tgid();
	__u64 dfd = ctx->di;

	bpf_map_update_elem(&last_arg, &pid, &dfd, BPF_ANY);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int on_unlink_ret(struct pt_regs *ctx)
{
	return ctx->ax != 0;
}

char LICENSE[] SEC("license") = "GPL";
