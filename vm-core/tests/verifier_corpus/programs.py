# Corpus programs (executed by generate.py). Names: <rule>_<case>.
PKT = ldx('w', 2, 1, 0) + ldx('w', 3, 1, 4)          # r2 = data, r3 = data_end
HASH = 'hash:4:8:16'
ARRAY = 'array:4:8:4'
LOOKUP_KEY0 = st('w', 10, -4, 0) + movr(2, 10) + alu('add', 2, -4)   # key 0 at fp-4, r2 = fp-4

# ---- structure ---------------------------------------------------------------
prog('cfg_exit_only_r0_uninit', EXIT, note='exit without setting r0')
prog('cfg_minimal_accept', RET0)
prog('cfg_jump_out_of_range', ja(5) + RET0)
prog('cfg_jump_back_out_of_range', mov(0, 0) + ja(-3) + EXIT)
prog('cfg_unreachable', RET0 + RET0)
prog('cfg_unreachable_after_ja', mov(0, 0) + ja(1) + mov(0, 1) + EXIT)
prog('cfg_last_not_exit', mov(0, 0))
prog('cfg_last_is_ja_loop', mov(0, 0) + jmp('jeq', 0, 1, 0) + ja(-2) + EXIT)
prog('cfg_into_lddw', mov(0, 0) + jmp('jeq', 0, 1, 0) + lddw(1, 5) + EXIT)
prog('cfg_lddw_ok', lddw(0, 0x1122334455667788) + EXIT)
prog('cfg_infinite_self_loop', mov(0, 0) + jmp('jeq', 0, 1, 0) + ja(-1) + EXIT)
prog('cfg_fp_write', mov(10, 0) + RET0)
prog('cfg_fp_add', alu('add', 10, 8) + RET0)
prog('cfg_fp_load_into', ldx('dw', 10, 1, 0) + RET0)
prog('cfg_call_invalid_dest', callpc(10) + RET0)

# ---- registers -----------------------------------------------------------------
for r in range(2, 10):
    prog('reg_read_uninit_r%d' % r, movr(0, r) + EXIT)
prog('reg_r0_from_r1_ptr_accept', movr(0, 1) + EXIT)
prog('reg_uninit_in_alu', alu('add', 0, src=3) + EXIT)
prog('reg_uninit_in_jmp', mov(0, 0) + jmp('jeq', 4, 1, 0) + EXIT + EXIT)
prog('reg_uninit_store', stx('dw', 10, 5, -8) + RET0)
prog('reg_clobbered_after_call', mov(6, 1) + call(5) + movr(0, 1) + EXIT)
prog('reg_callee_saved_after_call', mov(6, 7) + call(5) + movr(0, 6) + EXIT)
prog('reg_r0_after_call', call(7) + EXIT)

# ---- alu ---------------------------------------------------------------------------
prog('alu_div_by_zero_imm', mov(0, 1) + alu('div', 0, 0) + EXIT)
prog('alu_mod_by_zero_imm', mov(0, 1) + alu('mod', 0, 0) + EXIT)
prog('alu_div_reg_zero_ok', mov(0, 1) + mov(2, 0) + alu('div', 0, src=2) + EXIT)
prog('alu_shift_64_imm', mov(0, 1) + alu('lsh', 0, 64) + EXIT)
prog('alu_shift_32_imm', mov(0, 1) + alu('lsh', 0, 32, w32=True) + EXIT)
prog('alu_shift_neg_imm', mov(0, 1) + alu('rsh', 0, -1) + EXIT)
prog('alu_shift_63_ok', mov(0, 1) + alu('lsh', 0, 63) + EXIT)
prog('alu_arsh_ok', mov(0, -16) + alu('arsh', 0, 2) + EXIT)
prog('alu_neg_ok', mov(0, 5) + alu('neg', 0) + EXIT)
prog('alu_mov32_ptr', alu('mov', 0, src=1, w32=True) + EXIT)
prog('alu_ptr32_add', alu('add', 1, 8, w32=True) + RET0)
prog('alu_ptr_mul', movr(2, 10) + alu('mul', 2, 8) + RET0)
prog('alu_ptr_and', movr(2, 10) + alu('and_', 2, 8) + RET0)
prog('alu_ptr_or', movr(2, 1) + alu('or_', 2, 8) + RET0)
prog('alu_ptr_xor', movr(2, 1) + alu('xor', 2, 8) + RET0)
prog('alu_ptr_lsh', movr(2, 1) + alu('lsh', 2, 1) + RET0)
prog('alu_ptr_div', movr(2, 1) + alu('div', 2, 1) + RET0)
prog('alu_ptr_plus_ptr', movr(2, 10) + alu('add', 2, src=1) + RET0)
prog('alu_ptr_minus_ptr_ok', movr(2, 10) + alu('sub', 2, src=1) + RET0)
prog('alu_scalar_minus_ptr', mov(2, 5) + alu('sub', 2, src=1) + RET0)
prog('alu_scalar_plus_ptr_ok', mov(2, 8) + alu('add', 2, src=1) + RET0)
prog('alu_fp_sub_imm', movr(2, 10) + alu('sub', 2, 8) + RET0)
prog('alu_fp_add_neg_ok', movr(2, 10) + alu('add', 2, -8) + st('dw', 2, 0, 1) + RET0)
prog('alu_pkt_end_arith', ldx('w', 3, 1, 4) + alu('add', 3, 1) + RET0)
prog('alu_ptr_huge_imm', movr(2, 1) + lddw(3, 1 << 30) + alu('add', 2, src=3) + RET0)
prog('alu_ptr_unbounded_reg', ldx('w', 3, 1, 12) + alu('lsh', 3, 32) + alu('arsh', 3, 32) + lddw(4, 1 << 40) + alu('mul', 3, src=4) + movr(2, 10) + alu('add', 2, src=3) + RET0)
prog('alu_map_ptr_arith', ldmap(2, 0) + alu('add', 2, 8) + RET0, maps=[HASH])
prog('alu_map_ptr_add0_ok', ldmap(2, 0) + alu('add', 2, 0) + RET0, maps=[HASH])
prog('alu_end_be16_ok', mov(0, 0x1234) + I(0xdc, 0, 0, 0, 16) + EXIT)
prog('alu_end_le32_ok', mov(0, -1) + I(0xd4, 0, 0, 0, 32) + EXIT)
prog('alu_movsx_ok', mov(2, 200) + I(0xbf, 0, 2, 8, 0) + EXIT)
prog('alu_sdiv_ok', mov(0, -7) + I(0x37, 0, 0, 1, 2) + EXIT)

# ---- context ---------------------------------------------------------------------------
for off in range(0, 28, 2):
    for sz in ('b', 'h', 'w', 'dw'):
        prog('ctx_xdp_read_%s_%d' % (sz, off), ldx(sz, 0, 1, off) + RET0)
for off in (0, 4, 8, 12, 16, 20):
    prog('ctx_xdp_write_w_%d' % off, stx('w', 1, 1, off) + RET0)
prog('ctx_xdp_st_imm', st('w', 1, 0, 0) + RET0)
prog('ctx_modified_ptr', alu('add', 1, 4) + ldx('w', 0, 1, 0) + EXIT)
prog('ctx_negative_off', ldx('w', 0, 1, -4) + EXIT)
for off in (0, 4, 8, 16, 24, 40, 48, 52, 56, 60, 76, 80, 140, 144, 148, 152, 160, 168, 172):
    prog('ctx_sched_cls_read_w_%d' % off, ldx('w', 0, 1, off) + RET0, typ='sched_cls')
    prog('ctx_socket_read_w_%d' % off, ldx('w', 0, 1, off) + RET0, typ='socket_filter')
for off in (8, 48, 52, 56, 60):
    prog('ctx_sched_cls_write_w_%d' % off, st('w', 10, -8, 0) + ldx('w', 2, 10, -8) + stx('w', 1, 2, off) + RET0, typ='sched_cls')
for off in (0, 8, 112, 160, 168, 176):
    prog('ctx_kprobe_read_dw_%d' % off, ldx('dw', 0, 1, off) + RET0, typ='kprobe')
prog('ctx_kprobe_write', stx('dw', 1, 1, 0) + RET0, typ='kprobe')
for off in (0, 8, 16, 56, 64):
    prog('ctx_tracepoint_read_dw_%d' % off, ldx('dw', 0, 1, off) + RET0, typ='tracepoint')

# ---- stack ---------------------------------------------------------------------------------
prog('stack_spill_fill_ok', stx('dw', 10, 1, -8) + ldx('dw', 2, 10, -8) + ldx('w', 0, 2, 0) + RET0)
prog('stack_spill_partial_ptr', stx('w', 10, 1, -8) + RET0)
prog('stack_fill_partial_ptr', stx('dw', 10, 1, -8) + ldx('w', 0, 10, -8) + EXIT)
prog('stack_uninit_read_ok_root', ldx('dw', 0, 10, -8) + EXIT)
prog('stack_oob_write', st('dw', 10, -520, 1) + RET0)
prog('stack_oob_read', ldx('dw', 0, 10, -520) + EXIT)
prog('stack_write_at_fp', st('dw', 10, 0, 1) + RET0)
prog('stack_write_above_fp', st('w', 10, 4, 1) + RET0)
prog('stack_write_512_ok', st('dw', 10, -512, 1) + RET0)
prog('stack_misaligned_w', st('w', 10, -6, 1) + RET0)
prog('stack_misaligned_dw', st('dw', 10, -12, 1) + RET0)
prog('stack_misaligned_h', st('h', 10, -3, 1) + RET0)
prog('stack_byte_ok', st('b', 10, -3, 1) + ldx('b', 0, 10, -3) + EXIT)
prog('stack_scalar_spill_bounds', ldx('w', 2, 1, 12) + alu('and_', 2, 7) + stx('dw', 10, 2, -8) + ldx('dw', 3, 10, -8) + movr(0, 3) + EXIT)
prog('stack_fill_ptr_then_deref', stx('dw', 10, 1, -16) + ldx('dw', 6, 10, -16) + ldx('w', 0, 6, 16) + RET0)
prog('stack_overwrite_spill_then_deref', stx('dw', 10, 1, -8) + st('w', 10, -8, 0) + ldx('dw', 6, 10, -8) + ldx('w', 0, 6, 0) + RET0)
prog('stack_var_off_write_ok', ldx('w', 2, 1, 12) + alu('and_', 2, 8) + movr(3, 10) + alu('add', 3, -16) + alu('add', 3, src=2) + st('b', 3, 0, 1) + RET0)
prog('stack_var_off_write_oob', ldx('w', 2, 1, 12) + alu('and_', 2, 0xff) + movr(3, 10) + alu('add', 3, -16) + alu('add', 3, src=2) + st('b', 3, 0, 1) + RET0)
prog('stack_ptr_to_stack_spill', movr(2, 10) + alu('add', 2, -8) + stx('dw', 10, 2, -16) + ldx('dw', 3, 10, -16) + st('dw', 3, 0, 7) + RET0)
prog('stack_atomic_add_ok', st('dw', 10, -8, 0) + mov(2, 1) + xadd('dw', 10, 2, -8) + RET0)
prog('stack_atomic_ctx', mov(2, 1) + xadd('w', 1, 2, 0) + RET0)
prog('stack_atomic_fetch_ok', st('dw', 10, -8, 5) + mov(2, 1) + xadd('dw', 10, 2, -8, 1) + movr(0, 2) + EXIT)

# ---- packet --------------------------------------------------------------------------------
def pkt_check(n, acc_off, acc_sz, cond='jgt'):
    # r4 = data + n; if r4 > data_end goto out; r0 = *(sz *)(r2 + off); out: r0 = 2
    return PKT + movr(4, 2) + alu('add', 4, n) + jmp(cond, 4, 1, src=3) + ldx(acc_sz, 0, 2, acc_off) + RET2
prog('pkt_no_check', PKT + ldx('h', 0, 2, 12) + EXIT)
prog('pkt_check_ok', pkt_check(14, 12, 'h'))
prog('pkt_check_off_by_one', pkt_check(13, 12, 'h'))
prog('pkt_check_last_byte', pkt_check(60, 59, 'b'))
prog('pkt_check_beyond', pkt_check(60, 60, 'b'))
prog('pkt_negative_off', pkt_check(14, -1, 'b'))
for n in (1, 8, 14, 20, 34, 54):
    for (off, sz) in ((0, 'b'), (n - 1, 'b'), (n - 2, 'h'), (n - 4, 'w'), (n - 8, 'dw'), (n, 'b'), (n - 1, 'h')):
        if off < -1:
            continue
        prog('pkt_range_%d_at_%d_%s' % (n, off, sz), pkt_check(n, off, sz))
# comparison forms: both operand orders, both branch sides
prog('pkt_cmp_jge_fallthrough', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jge', 4, 1, src=3) + ldx('h', 0, 2, 12) + RET2)
prog('pkt_cmp_jlt_taken', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jlt', 4, 1, src=3) + RET2 + ldx('h', 0, 2, 12) + RET2)
prog('pkt_cmp_jle_taken', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jle', 4, 1, src=3) + RET2 + ldx('h', 0, 2, 12) + RET2)
prog('pkt_cmp_end_lt_fallthrough', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jlt', 3, 1, src=4) + ldx('h', 0, 2, 12) + RET2)
prog('pkt_cmp_end_ge_taken', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jge', 3, 1, src=4) + RET2 + ldx('h', 0, 2, 12) + RET2)
prog('pkt_cmp_end_gt_taken_open', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jgt', 3, 1, src=4) + RET2 + ldx('h', 0, 2, 12) + RET2)
prog('pkt_cmp_end_gt_taken_last', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jgt', 3, 1, src=4) + RET2 + ldx('b', 0, 2, 14) + RET2)
prog('pkt_cmp_wrong_side', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jgt', 4, 1, src=3) + RET2 + ldx('h', 0, 2, 12) + RET2)
prog('pkt_cmp_jeq_no_range', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jeq', 4, 1, src=3) + RET2 + ldx('h', 0, 2, 12) + RET2)
prog('pkt_cmp_32bit_no_range', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jgt', 4, 1, src=3, w32=True) + ldx('h', 0, 2, 12) + RET2)
prog('pkt_write_ok', pkt_check(14, 0, 'b')[:-16] + st('b', 2, 0, 1) + RET2)
prog('pkt_write_socket', PKT[:0] + ldx('w', 2, 1, 76) + ldx('w', 3, 1, 80) + movr(4, 2) + alu('add', 4, 14) + jmp('jgt', 4, 1, src=3) + st('b', 2, 0, 1) + RET0, typ='sched_cls')
prog('pkt_end_deref', PKT + ldx('b', 0, 3, 0) + EXIT)
prog('pkt_var_off_ok', PKT + ldx('b', 5, 2, 0)[:0] + movr(4, 2) + alu('add', 4, 1) + jmp('jgt', 4, 6, src=3) + ldx('b', 5, 2, 0) + alu('and_', 5, 15) + alu('add', 2, src=5) + movr(4, 2) + alu('add', 4, 2) + jmp('jgt', 4, 1, src=3) + ldx('h', 0, 2, 0) + RET2)
prog('pkt_var_off_unchecked', PKT + movr(4, 2) + alu('add', 4, 1) + jmp('jgt', 4, 3, src=3) + ldx('b', 5, 2, 0) + alu('and_', 5, 15) + alu('add', 2, src=5) + ldx('b', 0, 2, 0) + RET2)
prog('pkt_var_off_range_lost', PKT + movr(4, 2) + alu('add', 4, 20) + jmp('jgt', 4, 4, src=3) + ldx('b', 5, 2, 0) + alu('and_', 5, 3) + alu('add', 2, src=5) + ldx('b', 0, 2, 0) + RET2)
prog('pkt_copy_shares_range', PKT + movr(5, 2) + movr(4, 2) + alu('add', 4, 8) + jmp('jgt', 4, 1, src=3) + ldx('dw', 0, 5, 0) + RET2)
prog('pkt_meta_ok', ldx('w', 2, 1, 8) + ldx('w', 3, 1, 0) + movr(4, 2) + alu('add', 4, 4) + jmp('jgt', 4, 1, src=3) + ldx('w', 0, 2, 0) + RET2)
prog('pkt_meta_unchecked', ldx('w', 2, 1, 8) + ldx('w', 0, 2, 0) + RET2)
prog('pkt_ctx_sched_cls_ok', ldx('w', 2, 1, 76) + ldx('w', 3, 1, 80) + movr(4, 2) + alu('add', 4, 14) + jmp('jgt', 4, 1, src=3) + ldx('h', 0, 2, 12) + RET0, typ='sched_cls')
prog('pkt_after_adjust_head', PKT + movr(4, 2) + alu('add', 4, 14) + jmp('jgt', 4, 4, src=3) + mov(2, 0)[:0] + movr(6, 2) + mov(2, 0) + call(44) + ldx('b', 0, 6, 0) + RET2)
prog('pkt_ld_abs_socket_ok', movr(6, 1) + ldabs('h', 12) + RET0, typ='socket_filter')
prog('pkt_ld_abs_xdp', movr(6, 1) + ldabs('h', 12) + RET0)
prog('pkt_ld_abs_r6_not_ctx', mov(6, 0) + ldabs('h', 12) + RET0, typ='socket_filter')

# ---- scalar bounds and branches -------------------------------------------------------------
def map_value_at(idx_prep, sz='b', maps=(ARRAY,)):
    # r0 = lookup(map, key 0); if r0 == 0 goto out; <idx_prep into r1>; r0 += r1; r0 = *(sz*)r0
    return (LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jeq', 0, 2 + len(idx_prep) // 8, 0)
            + idx_prep + alu('add', 0, src=1) + ldx(sz, 0, 0, 0) + RET0)
prog('bounds_and_mask_ok', map_value_at(ldx('w', 1, 6, 0)[:0] + mov(1, 5) + alu('and_', 1, 7)), maps=[ARRAY])
prog('bounds_const_oob', map_value_at(mov(1, 8)), maps=[ARRAY])
prog('bounds_const_last_ok', map_value_at(mov(1, 7)), maps=[ARRAY])
prog('bounds_const_last_w', map_value_at(mov(1, 4), 'w'), maps=[ARRAY])
prog('bounds_const_over_w', map_value_at(mov(1, 5), 'w'), maps=[ARRAY])
prog('bounds_negative', map_value_at(mov(1, -1)), maps=[ARRAY])
RAND = call(7)  # bpf_get_prandom_u32 clobbers r0..r5: use r6-r9 for the map value
def rand_index(prep, sz='b', value=8):
    m = 'array:4:%d:4' % value
    return (call(7) + movr(7, 0) + LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jeq', 0, 3 + len(prep) // 8, 0)
            + movr(1, 7) + prep + alu('add', 0, src=1) + ldx(sz, 0, 0, 0) + RET0), [m]
for name, prep in [
        ('and7', alu('and_', 1, 7)),
        ('and8', alu('and_', 1, 8)),
        ('and15', alu('and_', 1, 15)),
        ('mod8', alu('mod', 1, 8)),
        ('rsh61', alu('rsh', 1, 61)),
        ('rsh60', alu('rsh', 1, 60)),
        ('rsh32_w', alu('rsh', 1, 29, w32=True)),
        ('unchecked', b''),
        ('jgt7', jmp('jgt', 1, 2, 7)),
        ('jgt8', jmp('jgt', 1, 2, 8)),
        ('jge8', jmp('jge', 1, 2, 8)),
        ('jge9', jmp('jge', 1, 2, 9)),
        ('jlt8_inv', jmp('jlt', 1, 1, 8) + ja(1)),
        ('jsgt7_signed', jmp('jsgt', 1, 2, 7)),
        ('jsgt7_and_nonneg', jmp('jsgt', 1, 3, 7) + jmp('jslt', 1, 2, 0)),
        ('jsge0_jslt8', jmp('jslt', 1, 3, 0) + jmp('jsge', 1, 2, 8)),
        ('w32_jgt7', jmp('jgt', 1, 2, 7, w32=True)),
        ('w32_jgt7_zext', alu('mov', 1, src=1, w32=True) + jmp('jgt', 1, 2, 7, w32=True)),
        ('jeq3', jmp('jne', 1, 2, 3)),
        ('jne_only', jmp('jeq', 1, 2, 3)),
        ('jset_mask', jmp('jset', 1, 2, -8)),
        ('sub_underflow', alu('and_', 1, 7) + alu('sub', 1, 1)),
        ('add_then_check', alu('add', 1, 3) + jmp('jgt', 1, 2, 10)),
        ('mul_bound', alu('and_', 1, 3) + alu('mul', 1, 2)),
        ('mul_oob', alu('and_', 1, 3) + alu('mul', 1, 3)),
        ('lsh_bound', alu('and_', 1, 1) + alu('lsh', 1, 2)),
        ('lsh_oob', alu('and_', 1, 1) + alu('lsh', 1, 3)),
        ('or_bound', alu('and_', 1, 3) + alu('or_', 1, 4)),
        ('xor_bound', alu('and_', 1, 3) + alu('xor', 1, 4)),
        ('xor_oob', alu('and_', 1, 7) + alu('xor', 1, 8)),
        ('neg_bound', alu('and_', 1, 3) + alu('neg', 1) + alu('add', 1, 3)),
        ('arsh_bound', alu('and_', 1, 31) + alu('arsh', 1, 2)),
        ('div_unknown', alu('and_', 1, 31) + alu('div', 1, 4)),
        ]:
    code, maps = rand_index(prep)
    prog('bounds_rand_%s' % name, code, maps=maps)
for n in (1, 2, 4, 8):
    for sz in ('b', 'h', 'w', 'dw'):
        code, maps = rand_index(alu('and_', 1, n * 2 - 1), sz, 8)
        prog('bounds_value8_mask%d_%s' % (n * 2 - 1, sz), code, maps=maps)
prog('branch_dead_code_known', mov(0, 1) + jmp('jeq', 0, 1, 1) + ldx('dw', 0, 0, 0) + RET0)
prog('branch_dead_code_known_false', mov(0, 1) + jmp('jne', 0, 1, 1) + ldx('dw', 0, 0, 0) + RET0)
prog('branch_ptr_null_known', movr(0, 1) + jmp('jne', 0, 1, 0) + ldx('dw', 0, 0, 0) + RET0)
prog('branch_ptr_cmp_ptr', PKT + jmp('jeq', 2, 1, src=1) + mov(0, 0) + RET0)
prog('branch_ptr_cmp_scalar', mov(2, 5) + jmp('jgt', 1, 1, src=2) + mov(0, 0) + RET0)
prog('branch_32bit_refine', call(7) + jmp('jgt', 0, 1, 5, w32=True) + EXIT + RET0)

# ---- maps and helpers -------------------------------------------------------------------------
prog('map_lookup_null_checked', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jeq', 0, 1, 0) + ldx('dw', 0, 0, 0) + RET0, maps=[HASH])
prog('map_lookup_no_null_check', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + ldx('dw', 0, 0, 0) + RET0, maps=[HASH])
prog('map_lookup_jne_checked', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jne', 0, 1, 0) + RET0 + ldx('dw', 0, 0, 0) + RET0, maps=[HASH])
prog('map_lookup_wrong_side', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jne', 0, 1, 0) + ldx('dw', 0, 0, 0) + RET0, maps=[HASH])
prog('map_lookup_copy_checked', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + movr(6, 0) + jmp('jeq', 0, 1, 0) + ldx('dw', 0, 6, 0) + RET0, maps=[HASH])
prog('map_lookup_value_oob', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jeq', 0, 1, 0) + ldx('dw', 0, 0, 4) + RET0, maps=[HASH])
prog('map_lookup_value_write_ok', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jeq', 0, 1, 0) + st('dw', 0, 0, 1) + RET0, maps=[HASH])
prog('map_lookup_arith_null', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + alu('add', 0, 4) + RET0, maps=[HASH])
prog('map_lookup_key_scalar', mov(2, 0) + ldmap(1, 0) + call(1) + RET0, maps=[HASH])
prog('map_lookup_map_not_ptr', LOOKUP_KEY0 + mov(1, 0) + call(1) + RET0, maps=[HASH])
prog('map_lookup_key_uninit_root', movr(2, 10) + alu('add', 2, -4) + ldmap(1, 0) + call(1) + RET0, maps=[HASH])
prog('map_lookup_key_stack_oob', movr(2, 10) + alu('add', 2, -2) + ldmap(1, 0) + call(1) + RET0, maps=[HASH])
prog('map_lookup_key_ctx', movr(2, 1) + ldmap(1, 0) + call(1) + RET0, maps=[HASH])
prog('map_lookup_key_pkt_ok', PKT + movr(4, 2) + alu('add', 4, 4) + jmp('jgt', 4, 3, src=3) + ldmap(1, 0) + call(1) + RET0 + RET0, maps=[HASH])
prog('map_lookup_key_pkt_short', PKT + movr(4, 2) + alu('add', 4, 2) + jmp('jgt', 4, 3, src=3) + ldmap(1, 0) + call(1) + RET0 + RET0, maps=[HASH])
prog('map_update_ok', LOOKUP_KEY0 + st('dw', 10, -16, 1) + movr(3, 10) + alu('add', 3, -16) + mov(4, 0) + ldmap(1, 0) + call(2) + RET0, maps=[HASH])
prog('map_update_value_short', LOOKUP_KEY0 + st('w', 10, -12, 1) + movr(3, 10) + alu('add', 3, -12) + mov(4, 0) + ldmap(1, 0) + call(2) + RET0, maps=[HASH])
prog('map_update_flags_uninit', LOOKUP_KEY0 + st('dw', 10, -16, 1) + movr(3, 10) + alu('add', 3, -16) + ldmap(1, 0) + call(2) + RET0, maps=[HASH])
prog('map_delete_ok', LOOKUP_KEY0 + ldmap(1, 0) + call(3) + RET0, maps=[HASH])
prog('map_deref_map_ptr', ldmap(1, 0) + ldx('dw', 0, 1, 0) + EXIT, maps=[HASH], ours=('reject', 'the kernel lets root read struct bpf_map fields through BTF; this VM has no kernel map structure to read, so we reject the access (R1 invalid mem access \'map_ptr\') rather than accept a program that would fault'))
prog('map_lookup_ringbuf', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + RET0, maps=['ringbuf:0:0:4096'])
prog('map_lookup_prog_array', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + RET0, maps=['prog_array:4:4:4'])
prog('map_tail_call_ok', ldmap(2, 0) + mov(3, 0) + call(12) + RET0, maps=['prog_array:4:4:4'])
prog('map_tail_call_wrong_map', ldmap(2, 0) + mov(3, 0) + call(12) + RET0, maps=[HASH])
prog('map_percpu_lookup_ok', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jeq', 0, 1, 0) + ldx('dw', 0, 0, 0) + RET0, maps=['percpu_array:4:8:4'])
prog('map_lru_lookup_ok', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jeq', 0, 1, 0) + ldx('dw', 0, 0, 0) + RET0, maps=['lru_hash:4:8:16'])
prog('map_queue_push_ok', st('dw', 10, -8, 1) + movr(2, 10) + alu('add', 2, -8) + mov(3, 0) + ldmap(1, 0) + call(87) + RET0, maps=['queue:0:8:16'])
prog('map_queue_pop_ok', movr(2, 10) + alu('add', 2, -8) + ldmap(1, 0) + call(88) + RET0, maps=['queue:0:8:16'])
prog('map_queue_lookup', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + RET0, maps=['queue:0:8:16'])
prog('map_array_lookup_value_rw', LOOKUP_KEY0 + ldmap(1, 0) + call(1) + jmp('jeq', 0, 3, 0) + ldx('dw', 1, 0, 0) + alu('add', 1, 1) + stx('dw', 0, 1, 0) + RET0, maps=[ARRAY])
prog('map_two_maps_ok', LOOKUP_KEY0 + ldmap(1, 1) + call(1) + jmp('jeq', 0, 1, 0) + ldx('w', 0, 0, 12) + RET0, maps=[HASH, 'array:4:16:2'])

prog('helper_unknown_id', call(10000) + RET0)
prog('helper_id_13', call(13) + RET0)
prog('helper_not_for_xdp', mov(1, 0)+ mov(2, 0) + mov(3, 0) + call(4) + RET0)
prog('helper_ktime_ok', call(5) + EXIT)
prog('helper_prandom_ok', call(7) + EXIT)
prog('helper_smp_id_ok', call(8) + EXIT)
prog('helper_pid_tgid_kprobe', call(14) + EXIT, typ='kprobe')
prog('helper_comm_ok', movr(1, 10) + alu('add', 1, -16) + mov(2, 16) + call(16) + RET0, typ='kprobe')
prog('helper_comm_too_big', movr(1, 10) + alu('add', 1, -16) + mov(2, 17) + call(16) + RET0, typ='kprobe')
prog('helper_comm_zero_size', movr(1, 10) + alu('add', 1, -16) + mov(2, 0) + call(16) + RET0, typ='kprobe')
prog('helper_comm_var_size_ok', call(7) + alu('and_', 0, 15) + alu('add', 0, 1) + movr(2, 0) + movr(1, 10) + alu('add', 1, -16) + call(16) + RET0, typ='kprobe')
prog('helper_comm_unbounded_size', call(7) + movr(2, 0) + movr(1, 10) + alu('add', 1, -16) + call(16) + RET0, typ='kprobe')
prog('helper_comm_neg_size', call(7) + movr(2, 0) + alu('arsh', 2, 1)[:0] + lddw(3, -1) + alu('add', 2, src=3)[:0] + alu('lsh', 2, 32) + alu('arsh', 2, 32) + movr(1, 10) + alu('add', 1, -16) + call(16) + RET0, typ='kprobe')
prog('helper_trace_printk_ok', st('dw', 10, -8, 0x6968) + movr(1, 10) + alu('add', 1, -8) + mov(2, 8) + call(6) + RET0)
prog('helper_trace_printk_ctx', movr(1, 1) + mov(2, 8) + call(6) + RET0)
prog('helper_adjust_head_ok', mov(2, 14) + call(44) + RET0)
prog('helper_adjust_head_no_ctx', movr(1, 10) + mov(2, 14) + call(44) + RET0)
prog('helper_adjust_head_modified_ctx', alu('add', 1, 4) + mov(2, 14) + call(44) + RET0)
prog('helper_redirect_ok', mov(1, 1) + mov(2, 0) + call(23) + EXIT)
prog('helper_redirect_map_hash', ldmap(1, 0) + mov(2, 0) + mov(3, 0) + call(51) + EXIT, maps=[HASH])
prog('helper_csum_diff_ok', st('dw', 10, -8, 0) + mov(1, 0) + mov(2, 0) + movr(3, 10) + alu('add', 3, -8) + mov(4, 8) + mov(5, 0) + call(28) + RET0)
prog('helper_skb_load_bytes_ok', mov(2, 0) + movr(3, 10) + alu('add', 3, -8) + mov(4, 8) + call(26) + RET0, typ='sched_cls')
prog('helper_skb_load_bytes_xdp', mov(2, 0) + movr(3, 10) + alu('add', 3, -8) + mov(4, 8) + call(26) + RET0)
prog('helper_skb_store_bytes_socket', mov(2, 0) + movr(3, 10) + alu('add', 3, -8) + mov(4, 8) + mov(5, 0) + st('dw', 10, -8, 0) + call(9) + RET0, typ='socket_filter')
prog('helper_probe_read_kernel_ok', movr(1, 10) + alu('add', 1, -8) + mov(2, 8) + mov(3, 0) + call(113) + RET0, typ='kprobe')
prog('helper_stackid_ok', ldmap(2, 0) + mov(3, 0) + call(27) + RET0, typ='kprobe', maps=['stack_trace:4:64:16'])
prog('helper_stackid_wrong_map', ldmap(2, 0) + mov(3, 0) + call(27) + RET0, typ='kprobe', maps=[HASH])
prog('helper_perf_output_ok', st('dw', 10, -8, 0) + ldmap(2, 0) + lddw(3, 0xffffffff) + movr(4, 10) + alu('add', 4, -8) + mov(5, 8) + call(25) + RET0, maps=['perf_event_array:4:4:4'])
prog('helper_ringbuf_output_ok', st('dw', 10, -8, 0) + ldmap(1, 0) + movr(2, 10) + alu('add', 2, -8) + mov(3, 8) + mov(4, 0) + call(130) + RET0, maps=['ringbuf:0:0:4096'])
RB = ['ringbuf:0:0:4096']
prog('ringbuf_reserve_submit_ok', ldmap(1, 0) + mov(2, 16) + mov(3, 0) + call(131) + jmp('jeq', 0, 4, 0) + st('dw', 0, 0, 1) + movr(1, 0) + mov(2, 0) + call(132) + RET0, maps=RB)
prog('ringbuf_reserve_discard_ok', ldmap(1, 0) + mov(2, 16) + mov(3, 0) + call(131) + jmp('jeq', 0, 3, 0) + movr(1, 0) + mov(2, 0) + call(133) + RET0, maps=RB)
prog('ringbuf_reserve_leak', ldmap(1, 0) + mov(2, 16) + mov(3, 0) + call(131) + RET0, maps=RB)
prog('ringbuf_reserve_leak_nonnull', ldmap(1, 0) + mov(2, 16) + mov(3, 0) + call(131) + jmp('jeq', 0, 1, 0) + st('dw', 0, 0, 1) + RET0, maps=RB)
prog('ringbuf_reserve_no_null_check', ldmap(1, 0) + mov(2, 16) + mov(3, 0) + call(131) + st('dw', 0, 0, 1) + RET0, maps=RB)
prog('ringbuf_reserve_write_oob', ldmap(1, 0) + mov(2, 16) + mov(3, 0) + call(131) + jmp('jeq', 0, 4, 0) + st('dw', 0, 16, 1) + movr(1, 0) + mov(2, 0) + call(132) + RET0, maps=RB)
prog('ringbuf_reserve_var_size', call(7) + movr(2, 0) + ldmap(1, 0) + mov(3, 0) + call(131) + RET0, maps=RB)
prog('ringbuf_submit_scalar', mov(1, 0) + mov(2, 0) + call(132) + RET0, maps=RB)
prog('ringbuf_submit_offset', ldmap(1, 0) + mov(2, 16) + mov(3, 0) + call(131) + jmp('jeq', 0, 4, 0) + alu('add', 0, 8) + movr(1, 0) + mov(2, 0) + call(132) + RET0, maps=RB)
prog('ringbuf_use_after_submit', ldmap(1, 0) + mov(2, 16) + mov(3, 0) + call(131) + jmp('jeq', 0, 5, 0) + movr(6, 0) + movr(1, 0) + mov(2, 0) + call(132) + st('dw', 6, 0, 1) + RET0, maps=RB)

# ---- calls, loops, callbacks -------------------------------------------------------------------
prog('call_local_ok', mov(1, 5) + callpc(1) + EXIT + movr(0, 1) + EXIT)
prog('call_local_r0_uninit', callpc(1) + EXIT + EXIT)
prog('call_local_r6_clobber_ok', mov(6, 3) + callpc(2) + movr(0, 6) + EXIT + mov(6, 9) + RET0)
prog('call_local_args_clobbered', mov(2, 5) + callpc(2) + movr(0, 2) + EXIT + RET0)
prog('call_local_stack_ptr_arg_ok', st('dw', 10, -8, 7) + movr(1, 10) + alu('add', 1, -8) + callpc(1) + EXIT + ldx('dw', 0, 1, 0) + EXIT)
prog('call_local_return_stack_ptr', callpc(1) + EXIT + movr(0, 10) + alu('add', 0, -8) + EXIT)
prog('call_deep_stack_ok', st('dw', 10, -256, 1) + callpc(1) + EXIT + st('dw', 10, -248, 1) + RET0)
prog('call_deep_stack_too_big', st('dw', 10, -264, 1) + callpc(1) + EXIT + st('dw', 10, -256, 1) + RET0)
chain = b''
for i in range(8):
    chain += callpc(1) + EXIT if i < 8 else b''
prog('call_depth_9_frames', chain + RET0)
prog('call_depth_8_frames_ok', (callpc(1) + EXIT) * 7 + RET0)
prog('call_recursive', mov(0, 0) + callpc(-2) + EXIT)
prog('loop_bounded_ok', mov(0, 0) + alu('add', 0, 1) + jmp('jlt', 0, -2, 10) + EXIT)
prog('loop_bounded_100_ok', mov(0, 0) + mov(1, 0) + alu('add', 1, src=0) + alu('add', 0, 1) + jmp('jlt', 0, -3, 100) + EXIT)
prog('loop_infinite_detected', mov(0, 0) + mov(1, 0) + jmp('jeq', 1, -1, 0) + EXIT)
prog('loop_no_progress', mov(0, 0) + jmp('jlt', 0, -1, 10) + EXIT)
# The complexity-limit case (docs/verifier-messages.md) takes the kernel minutes on a
# loaded machine; it is checked against our verifier only, in verifier_docs.rs.
_unused = ('loop_unbounded_too_complex', call(7) + movr(6, 0) + mov(0, 0) + alu('add', 0, 1) + jmp('jgt', 6, -2, src=0) + EXIT)
prog('loop_32bit_counter_ok', mov(0, 0) + alu('add', 0, 1, w32=True) + jmp('jlt', 0, -2, 16, w32=True) + EXIT)
prog('loop_stack_counter_ok', st('dw', 10, -8, 0) + ldx('dw', 1, 10, -8) + alu('add', 1, 1) + stx('dw', 10, 1, -8) + jmp('jlt', 1, -4, 20) + RET0)
prog('bpf_loop_ok', mov(1, 10) + ldfunc(2, 6) + mov(3, 0) + mov(4, 0) + call(181) + RET0 + RET0, note='bpf_loop with a callback that returns 0: the kernel verifies the callback in its own frame (func_info from BTF)')
prog('bpf_loop_bad_ret', mov(1, 10) + ldfunc(2, 6) + mov(3, 0) + mov(4, 0) + call(181) + RET0 + mov(0, 2) + EXIT, note='a bpf_loop callback must return 0 or 1')
prog('bpf_loop_ctx_on_stack_ok', st('dw', 10, -8, 0) + mov(1, 10) + ldfunc(2, 7) + movr(3, 10) + alu('add', 3, -8) + mov(4, 0) + call(181) + RET0
     + ldx('dw', 3, 2, 0) + alu('add', 3, 1) + stx('dw', 2, 3, 0) + RET0, note="bpf_loop with a context on the caller's stack, passed to the callback as a pointer into frame 0")
# Callback revisits: a growing sum must be widened, a settling counter must keep its bounds.
prog('bpf_loop_sum_on_stack_ok', mov(1, 0) + stx('dw', 10, 1, -8) + mov(1, 100) + ldfunc(2, 8) + movr(3, 10) + alu('add', 3, -8) + mov(4, 0) + call(181)
     + ldx('dw', 0, 10, -8) + alu('and_', 0, 1) + EXIT
     + ldx('dw', 3, 2, 0) + alu('add', 3, src=1) + stx('dw', 2, 3, 0) + RET0,
     note="a bpf_loop callback adds its index to a sum on the caller's stack: the sum grows each revisit of the call and is widened to unknown, so the revisits converge")
prog('bpf_loop_bounded_counter_index_ok', mov(1, 0) + stx('dw', 10, 1, -8) + stx('dw', 10, 1, -48) + mov(1, 100) + ldfunc(2, 11) + movr(3, 10) + alu('add', 3, -8) + mov(4, 0) + call(181)
     + ldx('dw', 1, 10, -8) + movr(2, 10) + alu('add', 2, -48) + alu('add', 2, src=1) + ldx('b', 0, 2, 0) + EXIT
     + ldx('dw', 3, 2, 0) + jmp('jge', 3, 4, 4) + alu('add', 3, 1) + stx('dw', 2, 3, 0) + RET0 + mov(0, 1) + EXIT,
     note="a bpf_loop callback counts up to 4 on the caller's stack; after the loop the count is a stack offset: its bounds [0, 4] settle within a few revisits and must survive them")
prog('bpf_loop_not_func', mov(1, 10) + mov(2, 0) + mov(3, 0) + mov(4, 0) + call(181) + RET0)

# ---- generated families (fixed seed) ---------------------------------------------------------
rng = random.Random(6_18)

def gen_scalar_index(i):
    """A random chain of ALU ops and checks on a random number, then a map value access at it."""
    ops = b''
    w32 = rng.random() < 0.2
    for _ in range(rng.randint(1, 5)):
        k = rng.choice(['and', 'add', 'sub', 'rsh', 'lsh', 'mul', 'or', 'xor', 'mod', 'jgt', 'jlt', 'jsgt', 'jge', 'jset', 'jne', 'w32mov', 'arsh', 'neg'])
        if k == 'and':
            ops += alu('and_', 1, rng.choice([1, 3, 7, 15, 31, 63, 255, -8, 0x7fffffff]), w32=w32)
        elif k == 'add':
            ops += alu('add', 1, rng.randint(-8, 16), w32=w32)
        elif k == 'sub':
            ops += alu('sub', 1, rng.randint(-4, 8), w32=w32)
        elif k == 'rsh':
            ops += alu('rsh', 1, rng.randint(1, 31 if w32 else 63), w32=w32)
        elif k == 'lsh':
            ops += alu('lsh', 1, rng.randint(1, 4), w32=w32)
        elif k == 'arsh':
            ops += alu('arsh', 1, rng.randint(1, 31 if w32 else 63), w32=w32)
        elif k == 'mul':
            ops += alu('mul', 1, rng.randint(0, 5), w32=w32)
        elif k == 'or':
            ops += alu('or_', 1, rng.randint(0, 8), w32=w32)
        elif k == 'xor':
            ops += alu('xor', 1, rng.randint(0, 8), w32=w32)
        elif k == 'mod':
            ops += alu('mod', 1, rng.randint(1, 16), w32=w32)
        elif k == 'neg':
            ops += alu('neg', 1, w32=w32)
        elif k == 'w32mov':
            ops += alu('mov', 1, src=1, w32=True)
        else:
            # a check that exits when it fails
            op = k
            imm = rng.randint(-2, 20)
            ops += jmp(op, 1, 1, imm, w32=rng.random() < 0.3) + ja(len(b'') + 2)[:0] + I(0x05, 0, 0, 0)
            # "if cond goto +1; goto +0": keeps both sides reachable; the next op continues
    value = rng.choice([4, 8, 16, 64])
    sz = rng.choice(['b', 'h', 'w', 'dw'])
    code, maps = rand_index(ops, sz, value)
    return code, maps

for i in range(120):
    code, maps = gen_scalar_index(i)
    prog('gen_scalar_%03d' % i, code, maps=maps)

def gen_packet(i):
    n = rng.randint(0, 64)
    checks = rng.choice(['jgt', 'jge', 'jlt', 'jle', 'swap_jgt', 'swap_jlt', 'swap_jge', 'swap_jle'])
    body = b''
    for _ in range(rng.randint(1, 3)):
        off = rng.randint(-2, n + 2)
        sz = rng.choice(['b', 'h', 'w', 'dw'])
        if rng.random() < 0.2:
            body += st(sz, 2, off, 7)
        else:
            body += ldx(sz, 0, 2, off)
    nb = len(body) // 8
    pre = PKT + movr(4, 2) + alu('add', 4, n)
    if checks in ('jgt', 'jge'):   # exit when beyond: body on fall-through
        code = pre + jmp(checks, 4, nb, src=3) + body + RET2
    elif checks in ('jlt', 'jle'):  # body on the taken side
        code = pre + jmp(checks, 4, 2, src=3) + RET2 + body + RET2
    elif checks in ('swap_jlt', 'swap_jle'):  # end < pkt: exit side taken
        code = pre + jmp(checks[5:], 3, nb, src=4) + body + RET2
    else:  # end > pkt taken: body
        code = pre + jmp(checks[5:], 3, 2, src=4) + RET2 + body + RET2
    return code

for i in range(80):
    prog('gen_packet_%03d' % i, gen_packet(i))

def gen_stack(i):
    code = b''
    for _ in range(rng.randint(1, 4)):
        k = rng.choice(['st', 'stx_ctx', 'stx_scalar', 'ld', 'ld_deref'])
        off = -rng.choice([1, 2, 4, 8, 12, 16, 24, 32, 40, 64])
        sz = rng.choice(['b', 'h', 'w', 'dw'])
        if k == 'st':
            code += st(sz, 10, off, rng.choice([0, 1, -1]))
        elif k == 'stx_ctx':
            code += stx(sz, 10, 1, off)
        elif k == 'stx_scalar':
            code += mov(5, rng.choice([0, 3])) + stx(sz, 10, 5, off)
        elif k == 'ld':
            code += ldx(sz, 6, 10, off)
        else:
            code += ldx('dw', 6, 10, off) + ldx('w', 0, 6, 0)
    return code + RET0

for i in range(60):
    prog('gen_stack_%03d' % i, gen_stack(i))

# found by the soundness property: a map reference's second slot must be zero
prog('cfg_lddw_map_second_imm', I(0x18, 1, 1, 0, 0) + I(0, 0, 0, 0, 5) + RET0, maps=[HASH])
