// XDP: bpf_snprintf and bpf_strncmp, whose constant strings (the format, the
// word compared with) clang puts in .rodata, the frozen read-only map the
// verifier reads them from. Every IPv4 UDP datagram gets a one-line summary
// formatted into the global `summary` (.bss) for user space; datagrams whose
// payload starts with "ping" are dropped.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char summary[48];
long summary_len;

static const char word[] = "ping";

SEC("xdp")
int xdp_strings(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = (void *)(ip + 1);
	char payload[4];
	__u64 args[5];
	__u32 src;

	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	src = bpf_ntohl(ip->saddr);
	args[0] = src >> 24;
	args[1] = (src >> 16) & 0xff;
	args[2] = (src >> 8) & 0xff;
	args[3] = src & 0xff;
	args[4] = bpf_ntohs(udp->dest);
	summary_len = bpf_snprintf(summary, sizeof(summary),
				   "udp from %d.%d.%d.%d to port %d", args,
				   sizeof(args));
	if (bpf_xdp_load_bytes(ctx, sizeof(*eth) + sizeof(*ip) + sizeof(*udp),
			       payload, sizeof(payload)) < 0)
		return XDP_PASS;
	if (bpf_strncmp(payload, sizeof(payload), word) == 0)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
