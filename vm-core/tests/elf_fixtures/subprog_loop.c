// Subprograms and a bounded loop: sums the first bytes of the packet in a
// .text function called from the XDP program, and passes or drops the packet
// depending on the parity of the sum, scaled by a .data global; counts runs
// and keeps the last sum in static .bss globals.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NBYTES 16

__u32 scale = 3;
/* Static globals are reached through the section symbol plus an offset. */
static __u64 runs;
static volatile __u32 last_sum;

static __noinline __u32 sum_bytes(const __u8 *p, const void *end)
{
	__u32 sum = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < NBYTES; i++) {
		if ((const void *)(p + i + 1) > end)
			break;
		sum += p[i];
	}
	return sum;
}

static __noinline __u32 verdict_for(__u32 sum)
{
	last_sum = sum;
	return (sum * scale) % 2 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int xdp_sum(struct xdp_md *ctx)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	const void *data_end = (const void *)(long)ctx->data_end;

	runs++;
	return verdict_for(sum_bytes(data, data_end));
}

char LICENSE[] SEC("license") = "GPL";
