// bpf_loop with a static callback: clang loads the callback's address with
// an lddw relocated against .text, which the loader turns into a
// BPF_PSEUDO_FUNC reference to the appended subprogram.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct loop_ctx {
	__u64 sum;
	__u32 limit;
};

static long add_index(__u32 index, struct loop_ctx *c)
{
	if (index >= c->limit)
		return 1; /* stop */
	c->sum += index;
	return 0;
}

SEC("xdp")
int xdp_loop(struct xdp_md *ctx)
{
	struct loop_ctx c = { .sum = 0, .limit = 10 };
	long n = bpf_loop(100, add_index, &c, 0);

	/* 0 + 1 + ... + 9 = 45 after 11 calls (the 11th stops the loop). */
	return (c.sum == 45 && n == 11) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
