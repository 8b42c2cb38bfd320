#!/usr/bin/env python3
"""Writes the verifier corpus: hand-written programs per rule plus generated
families, each with the verdict and message of the reference kernel, asked
through /work/shared/tools/kernel-oracle (run as root on the test host).

  python3 generate.py            # (re)write every *.prog here
  python3 generate.py NAME...    # only programs whose name contains NAME
"""
import json, os, random, struct, subprocess, sys, re

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.environ.get("KERNEL_ORACLE", "/work/shared/tools/kernel-oracle")

def I(op, d=0, s=0, off=0, imm=0):
    imm = ((imm + (1 << 31)) % (1 << 32)) - (1 << 31)
    return struct.pack('<BBhi', op, (d & 0xf) | ((s & 0xf) << 4), off, imm)

ALU = dict(add=0x00, sub=0x10, mul=0x20, div=0x30, or_=0x40, and_=0x50, lsh=0x60, rsh=0x70,
           neg=0x80, mod=0x90, xor=0xa0, mov=0xb0, arsh=0xc0)
JMP = dict(jeq=0x10, jgt=0x20, jge=0x30, jset=0x40, jne=0x50, jsgt=0x60, jsge=0x70,
           jlt=0xa0, jle=0xb0, jslt=0xc0, jsle=0xd0)
SZ = dict(b=0x10, h=0x08, w=0x00, dw=0x18)

def alu(op, d, imm=0, src=None, w32=False):
    cls = 0x04 if w32 else 0x07
    if src is None:
        return I(ALU[op] | cls, d, 0, 0, imm)
    return I(ALU[op] | cls | 0x08, d, src)
def mov(d, imm): return alu('mov', d, imm)
def movr(d, s): return alu('mov', d, src=s)
def jmp(op, d, off, imm=0, src=None, w32=False):
    cls = 0x06 if w32 else 0x05
    if src is None:
        return I(JMP[op] | cls, d, 0, off, imm)
    return I(JMP[op] | cls | 0x08, d, src, off)
def ja(off): return I(0x05, 0, 0, off)
def ldx(sz, d, s, off): return I(0x61 | SZ[sz], d, s, off)
def ldxs(sz, d, s, off): return I(0x81 | SZ[sz], d, s, off)
def stx(sz, d, s, off): return I(0x63 | SZ[sz], d, s, off)
def st(sz, d, off, imm): return I(0x62 | SZ[sz], d, 0, off, imm)
def xadd(sz, d, s, off, imm=0): return I(0xc3 | SZ[sz], d, s, off, imm)
def call(id): return I(0x85, 0, 0, 0, id)
def callpc(off): return I(0x85, 0, 1, 0, off)
def lddw(d, v): return I(0x18, d, 0, 0, v & 0xffffffff) + I(0, 0, 0, 0, (v >> 32) & 0xffffffff)
def ldmap(d, idx): return I(0x18, d, 1, 0, idx) + I(0, 0, 0, 0, 0)
def ldfunc(d, off): return I(0x18, d, 4, 0, off) + I(0, 0, 0, 0, 0)
def ldabs(sz, imm): return I(0x20 | SZ[sz], 0, 0, 0, imm)
EXIT = I(0x95)
RET0 = mov(0, 0) + EXIT
RET2 = mov(0, 2) + EXIT

def kernel(code, typ, maps):
    path = '/tmp/verifier_corpus_probe.bin'
    open(path, 'wb').write(code)
    args = [ORACLE, 'verify', '--type', typ, path, '--log-level', '1']
    for m in maps:
        args += ['--map', m]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    d = json.loads(out)
    if 'error' in d:
        raise SystemExit(d['error'])
    msg = None
    if not d['accepted']:
        lines = d['log'].splitlines()
        last = -1
        for i, l in enumerate(lines):
            if re.match(r'^\d+: \(', l):
                last = i
        rest = [l for l in lines[last + 1:] if l and not l.startswith(('mark_precise', 'processed ',
                'verification time', 'stack depth', 'func#', 'Live regs', 'caller', 'callee',
                ' frame', 'returning', 'to caller', 'from ', ' R', 'R0=', '(', 'last_idx'))]
        if last == -1:
            rest = [l for l in lines if l and not l.startswith(('processed ', 'func#', 'Live regs', ' '))]
        msg = rest[0] if rest else (d['errno'] or '')
    return d['accepted'], msg

PROGS = []
OURS = {}  # name -> (our verdict, reason): documented differences from the kernel
def prog(name, code, typ='xdp', maps=(), note='', ours=None):
    PROGS.append((name, code, typ, list(maps), note))
    if ours:
        OURS[name] = ours

def takes_callback(code):
    return any(code[i] == 0x18 and code[i + 1] >> 4 == 4 for i in range(0, len(code), 8))

def recorded(name):
    # The verdict kernel_diff.rs recorded: it loads callbacks with the BTF
    # func_info the kernel demands, which the oracle cannot pass.
    path = os.path.join(HERE, name + '.prog')
    if not os.path.exists(path):
        raise SystemExit(name + ': takes a callback; record its verdict by hand, then check it with kernel_diff.rs')
    lines = open(path).read().splitlines()
    acc = 'expect: accept' in lines
    msg = next((l[len('message: '):] for l in lines if l.startswith('message: ')), None)
    return acc, msg

def write(name, code, typ, maps, note):
    acc, msg = recorded(name) if takes_callback(code) else kernel(code, typ, maps)
    lines = []
    if note:
        lines.append('# ' + note)
    if name in OURS:
        lines.append('# Known difference: ' + OURS[name][1])
        lines.append('ours: ' + OURS[name][0])
    lines.append('type: ' + typ)
    for m in maps:
        lines.append('map: ' + m)
    lines.append('expect: ' + ('accept' if acc else 'reject'))
    if msg:
        lines.append('message: ' + msg)
    for i in range(0, len(code), 8):
        lines.append('code: ' + ' '.join('%02x' % b for b in code[i:i + 8]))
    open(os.path.join(HERE, name + '.prog'), 'w').write('\n'.join(lines) + '\n')
    return acc, msg

exec(open(os.path.join(HERE, 'programs.py')).read())

if __name__ == '__main__':
    sel = sys.argv[1:]
    for p in PROGS:
        if sel and not any(s in p[0] for s in sel):
            continue
        acc, msg = write(*p)
        print('%-40s %s %s' % (p[0], 'accept' if acc else 'reject', msg or ''))
