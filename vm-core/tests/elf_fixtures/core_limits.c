// The limits of CO-RE in the VM: its only kernel types are the program
// contexts, so a type-existence check on pt_regs holds, and a field of
// task_struct is reported instead of being loaded at a wrong offset.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

struct pt_regs {
	unsigned long di;
} __attribute__((preserve_access_index));

SEC("kprobe/do_exit")
int task_pid(struct pt_regs *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, tgid);
}

SEC("kprobe/do_exit")
int has_pt_regs(struct pt_regs *ctx)
{
	return bpf_core_type_exists(struct pt_regs);
}

char LICENSE[] SEC("license") = "GPL";
