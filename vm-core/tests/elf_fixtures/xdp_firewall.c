// XDP firewall: drops IPv4 packets whose source address is in a blocklist
// (an LPM trie of prefixes), unless the .rodata config disables dropping.
// Counts verdicts in an array map and the packets seen in a .bss global.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm_key);
	__type(value, __u32);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} verdicts SEC(".maps");

struct config {
	__u32 enforce;
	__u32 default_action;
};

const volatile struct config cfg = { .enforce = 1, .default_action = XDP_PASS };

__u64 packets_seen;

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&verdicts, &idx);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct lpm_key key;

	packets_seen++;
	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return cfg.default_action;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_ABORTED;

	key.prefixlen = 32;
	key.addr = ip->saddr;
	if (cfg.enforce && bpf_map_lookup_elem(&blocklist, &key)) {
		count(1);
		return XDP_DROP;
	}
	count(0);
	return cfg.default_action;
}

char LICENSE[] SEC("license") = "GPL";
