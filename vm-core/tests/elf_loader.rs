//! The ELF loader on objects clang-19 built from the C sources in
//! `tests/elf_fixtures/`: programs, maps, globals, subprograms, CO-RE and line
//! info come out as libbpf would load them; malformed objects give errors.

use std::path::{Path, PathBuf};
use std::process::Command;

use vm_core::elf::{ElfErrorKind, ElfObject};
use vm_core::isa::{CallTarget, Insn, LdImm64Kind, Size};
use vm_core::{MapType, ProgramType};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/elf_fixtures")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(name)).expect("fixture")
}

fn object(name: &str) -> ElfObject {
    ElfObject::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const FIXTURES: [&str; 11] = [
    "xdp_firewall.o",
    "tc_load_bytes.o",
    "tp_ringbuf.o",
    "subprog_loop.o",
    "rejected.o",
    "kprobe_core.o",
    "core_limits.o",
    "tc_load_bytes_nodebug.o",
    "loop_callback.o",
    "xdp_strings.o",
    "xdp_tail_calls.o",
];

#[test]
fn build_script_reproduces_the_committed_objects() {
    let clang = Command::new("clang-19").arg("--version").output();
    if !clang.is_ok_and(|o| o.status.success()) {
        println!("skipped: clang-19 is not installed, cannot rebuild the fixtures");
        return;
    }
    if !Path::new("/usr/include/bpf/bpf_helpers.h").exists() {
        println!("skipped: libbpf-dev (bpf/bpf_helpers.h) is not installed");
        return;
    }
    // Removed on drop, also when an assertion below fails.
    let scratch = tempfile::Builder::new()
        .prefix("bpfplay-elf-fixtures-")
        .tempdir()
        .unwrap();
    let tmp = scratch.path();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str());
        if matches!(ext, Some("c") | Some("h") | Some("sh")) {
            std::fs::copy(&path, tmp.join(path.file_name().unwrap())).unwrap();
        }
    }
    let status = Command::new("sh")
        .arg(tmp.join("build.sh"))
        .status()
        .unwrap();
    assert!(status.success(), "build.sh failed");
    for name in FIXTURES {
        let rebuilt = std::fs::read(tmp.join(name)).unwrap();
        assert!(
            rebuilt == fixture(name),
            "{name}: build.sh does not reproduce the committed object; run tests/elf_fixtures/build.sh and commit"
        );
    }
}

#[test]
fn every_fixture_loads_every_program() {
    for name in FIXTURES
        .iter()
        .filter(|n| !["core_limits.o", "tc_load_bytes_nodebug.o"].contains(n))
    {
        let obj = object(name);
        assert!(!obj.programs().is_empty(), "{name}: no programs");
        assert_eq!(obj.license(), Some("GPL"), "{name}");
        for (info, prog) in obj.load_all() {
            let prog = prog.unwrap_or_else(|e| panic!("{name} {}: {e}", info.name));
            assert_eq!(
                prog.functions.first().map(|f| f.1.as_str()),
                Some(info.name.as_str())
            );
            assert_eq!(prog.c_lines.len(), prog.insns.len());
            // clang -g gives every instruction a C line.
            for (i, line) in prog.c_lines.iter().enumerate() {
                let line = line
                    .as_ref()
                    .unwrap_or_else(|| panic!("{name} insn {i}: no C line"));
                assert!(line.line > 0 && !line.text.is_empty(), "{name} insn {i}");
                assert_eq!(line.file, format!("./{}", name.replace(".o", ".c")));
            }
            assert!(prog.insns.contains(&Insn::Exit), "{name}: no exit");
        }
    }
}

#[test]
fn xdp_firewall_has_btf_maps_and_rodata_config() {
    let obj = object("xdp_firewall.o");
    let infos = obj.programs();
    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0].name, "xdp_firewall");
    assert_eq!(infos[0].section, "xdp");
    assert_eq!(infos[0].kind.prog_type, Some(ProgramType::Xdp));

    let maps = obj.maps();
    let names: Vec<&str> = maps.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["blocklist", "verdicts", ".rodata", ".bss"]);
    let trie = &maps[0];
    assert_eq!(
        (
            trie.map_type,
            trie.key_size,
            trie.value_size,
            trie.max_entries,
            trie.flags
        ),
        (MapType::LpmTrie, 8, 4, 64, 1)
    );
    let verdicts = &maps[1];
    assert_eq!(
        (
            verdicts.map_type,
            verdicts.key_size,
            verdicts.value_size,
            verdicts.max_entries
        ),
        (MapType::Array, 4, 8, 2)
    );
    // const volatile struct config cfg = { .enforce = 1, .default_action = XDP_PASS };
    let rodata = &maps[2];
    assert_eq!(
        (rodata.map_type, rodata.key_size, rodata.max_entries),
        (MapType::Array, 4, 1)
    );
    assert_eq!(
        rodata.initial_value.as_deref(),
        Some(&[1, 0, 0, 0, 2, 0, 0, 0][..])
    );
    assert_eq!(rodata.flags & 0x80, 0x80, "BPF_F_RDONLY_PROG");
    assert_eq!(maps[3].initial_value.as_deref(), Some(&[0u8; 8][..]));

    let prog = obj.load_by_section("xdp").unwrap();
    assert_eq!(prog.prog_type, ProgramType::Xdp);
    assert_eq!(prog.maps, maps);
    let refs: Vec<(LdImm64Kind, i32, i32)> = prog
        .insns
        .iter()
        .filter_map(|i| match *i {
            Insn::LdImm64 {
                kind,
                imm,
                next_imm,
                ..
            } => Some((kind, imm, next_imm)),
            _ => None,
        })
        .collect();
    // packets_seen (.bss), cfg.default_action (.rodata+4), cfg.enforce, blocklist, verdicts x2
    assert_eq!(
        refs,
        [
            (LdImm64Kind::MapValue, 3, 0),
            (LdImm64Kind::MapValue, 2, 0),
            (LdImm64Kind::MapValue, 2, 0),
            (LdImm64Kind::MapFd, 0, 0),
            (LdImm64Kind::MapFd, 1, 0),
            (LdImm64Kind::MapFd, 1, 0),
        ]
    );
    let helpers = prog
        .insns
        .iter()
        .filter(|i| matches!(i, Insn::Call(CallTarget::Helper(1))))
        .count();
    assert_eq!(helpers, 3, "bpf_map_lookup_elem by id");
    let line = prog.c_line(25).unwrap();
    assert_eq!((line.line, line.text.trim()), (65, "key.addr = ip->saddr;"));
}

#[test]
fn legacy_maps_section_and_skb_load_bytes() {
    let obj = object("tc_load_bytes.o");
    let info = obj.find("tc_drop_dns").unwrap();
    assert_eq!(
        (info.section.as_str(), info.kind.kernel_name),
        ("tc", "sched_cls")
    );
    let m = &obj.maps()[0];
    assert_eq!(
        (
            m.name.as_str(),
            m.map_type,
            m.key_size,
            m.value_size,
            m.max_entries
        ),
        ("drops", MapType::Array, 4, 8, 1)
    );
    let prog = obj.load(info).unwrap();
    assert_eq!(prog.prog_type, ProgramType::SchedCls);
    let loads = prog
        .insns
        .iter()
        .filter(|i| matches!(i, Insn::Call(CallTarget::Helper(26))))
        .count();
    assert_eq!(loads, 3, "three bpf_skb_load_bytes calls");
}

#[test]
fn tracepoint_with_ring_buffer() {
    let obj = object("tp_ringbuf.o");
    let info = &obj.programs()[0];
    assert_eq!(info.section, "tracepoint/syscalls/sys_enter_execve");
    assert_eq!(info.kind.prog_type, Some(ProgramType::Tracepoint));
    let m = &obj.maps()[0];
    assert_eq!(
        (m.name.as_str(), m.map_type, m.max_entries),
        ("events", MapType::Ringbuf, 4096)
    );
    let prog = obj.load(info).unwrap();
    let helpers: Vec<i32> = prog
        .insns
        .iter()
        .filter_map(|i| match i {
            Insn::Call(CallTarget::Helper(id)) => Some(*id),
            _ => None,
        })
        .collect();
    // ringbuf_reserve, get_current_pid_tgid, get_current_uid_gid, get_current_comm,
    // trace_printk, ringbuf_submit
    assert_eq!(helpers, [131, 14, 15, 16, 6, 132]);
}

#[test]
fn subprograms_are_appended_and_calls_relocated() {
    let obj = object("subprog_loop.o");
    let prog = obj.load_by_name("xdp_sum").unwrap();
    let names: Vec<(usize, &str)> = prog
        .functions
        .iter()
        .map(|(i, n)| (*i, n.as_str()))
        .collect();
    // sum_bytes is called first, so it is appended first.
    assert_eq!(
        names,
        [(0, "xdp_sum"), (11, "sum_bytes"), (23, "verdict_for")]
    );
    let calls: Vec<i64> = prog
        .insns
        .iter()
        .enumerate()
        .filter(|(_, i)| matches!(i, Insn::Call(CallTarget::Local(_))))
        .filter_map(|(pc, i)| i.branch_target(pc))
        .collect();
    assert_eq!(calls, [11, 23]);
    // The bounded loop survives as a backward jump inside sum_bytes.
    let back = prog.insns[11..23]
        .iter()
        .any(|i| matches!(i, Insn::Jump { off, .. } if *off < 0));
    assert!(back, "loop");
    // scale lives in .data, read through a map-value lddw; the static
    // globals runs and last_sum in .bss through the section symbol + offset.
    let (data, def) = prog.map_by_name(".data").unwrap();
    assert_eq!(def.initial_value.as_deref(), Some(&[3, 0, 0, 0][..]));
    let (bss, def) = prog.map_by_name(".bss").unwrap();
    assert_eq!(def.value_size, 12);
    let value_refs: Vec<(usize, i32, i32)> = prog
        .insns
        .iter()
        .enumerate()
        .filter_map(|(pc, i)| match *i {
            Insn::LdImm64 {
                kind: LdImm64Kind::MapValue,
                imm,
                next_imm,
                ..
            } => Some((pc, imm, next_imm)),
            _ => None,
        })
        .collect();
    assert_eq!(
        value_refs,
        [
            (2, bss as i32, 0),
            (23, bss as i32, 8),
            (26, data as i32, 0)
        ]
    );
    assert_eq!(prog.c_line(18).unwrap().text.trim(), "sum += p[i];");
    assert_eq!(prog.c_line(23).unwrap().text.trim(), "last_sum = sum;");
}

#[test]
fn core_relocations_use_the_vm_context_layout() {
    let obj = object("kprobe_core.o");
    let names: Vec<(&str, &str)> = obj
        .programs()
        .iter()
        .map(|p| (p.name.as_str(), p.section.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("on_unlink", "kprobe/do_unlinkat"),
            ("on_unlink_ret", "kretprobe/do_unlinkat")
        ]
    );
    // The C struct puts di at 0 and ax at 16; x86-64 pt_regs has them at 112 and 80.
    let entry = obj.load_by_name("on_unlink").unwrap();
    assert!(entry.insns.iter().any(|i| matches!(
        i,
        Insn::Load {
            size: Size::DW,
            off: 112,
            ..
        }
    )));
    let ret = obj.load_by_name("on_unlink_ret").unwrap();
    assert!(matches!(
        ret.insns[0],
        Insn::Load {
            size: Size::DW,
            off: 80,
            ..
        }
    ));
    assert_eq!(ret.prog_type, ProgramType::Kprobe);
}

#[test]
fn picking_programs_by_name_and_section() {
    let obj = object("kprobe_core.o");
    assert_eq!(
        obj.find("kretprobe/do_unlinkat").unwrap().name,
        "on_unlink_ret"
    );
    let err = obj.find("nope").unwrap_err();
    assert!(matches!(err.kind, ElfErrorKind::NoSuchProgram(_)));
    assert!(
        err.to_string().contains("on_unlink in kprobe/do_unlinkat"),
        "{err}"
    );
    assert!(obj.load_by_name("missing").is_err());
}

/// Offset of the first 16-byte `Elf64_Rel` whose `r_offset` is `offset` and
/// whose type is `r_type`, found by scanning (the fixtures are fixed bytes).
fn find_rel(bytes: &[u8], offset: u64, r_type: u32) -> usize {
    let mut found = None;
    for at in (0..bytes.len() - 16).step_by(8) {
        let off = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        let ty = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap());
        if off == offset && ty == r_type {
            assert!(found.is_none(), "ambiguous relocation pattern");
            found = Some(at);
        }
    }
    found.expect("relocation entry")
}

#[test]
fn unsupported_relocation_names_section_offset_and_kind() {
    let mut bytes = fixture("subprog_loop.o");
    // The call at xdp+0x48 is relocated with R_BPF_64_32; make it R_BPF_64_ABS32.
    let at = find_rel(&bytes, 0x48, 10);
    bytes[at + 8] = 3;
    let obj = ElfObject::parse(&bytes).unwrap();
    let err = obj.load_by_name("xdp_sum").unwrap_err();
    assert!(
        matches!(err.kind, ElfErrorKind::UnsupportedRelocation(_)),
        "{err:?}"
    );
    assert_eq!(
        (err.section.as_deref(), err.offset),
        (Some("xdp"), Some(0x48))
    );
    let text = err.to_string();
    assert!(
        text.contains("R_BPF_64_ABS32") && text.contains("section xdp, offset 0x48"),
        "{text}"
    );
}

#[test]
fn malformed_objects_are_errors() {
    let bytes = fixture("xdp_firewall.o");
    for len in [0, 3, 16, 63, 64, 200, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            ElfObject::parse(&bytes[..len]).is_err(),
            "truncated to {len}"
        );
    }
    let mut other_machine = bytes.clone();
    other_machine[18] = 62; // EM_X86_64
    let err = ElfObject::parse(&other_machine).unwrap_err();
    assert!(matches!(err.kind, ElfErrorKind::NotBpf(_)), "{err}");
    assert!(ElfObject::parse(b"not an elf file at all, just text").is_err());
}

#[test]
fn unsupported_program_types_are_listed_but_not_loaded() {
    // Rename the `xdp` section to `lsm`, a name that declares no type the VM runs.
    let mut bytes = fixture("xdp_firewall.o");
    // The name is stored as the tail of ".relxdp" in the string table.
    let pos = bytes
        .windows(8)
        .position(|w| w == b".relxdp\0")
        .expect("section name")
        + 4;
    bytes[pos..pos + 3].copy_from_slice(b"lsm");
    let obj = ElfObject::parse(&bytes).unwrap();
    let info = &obj.programs()[0];
    assert_eq!(info.section, "lsm");
    assert_eq!(info.kind.prog_type, None);
    let err = obj.load(info).unwrap_err();
    assert!(matches!(err.kind, ElfErrorKind::Unsupported(_)), "{err}");
}

#[test]
fn disassembly_shows_c_lines_and_assembles_back() {
    for name in FIXTURES
        .iter()
        .filter(|n| !["core_limits.o", "tc_load_bytes_nodebug.o"].contains(n))
    {
        let obj = object(name);
        for (info, prog) in obj.load_all() {
            let prog = prog.unwrap();
            let text = vm_core::disasm::disassemble(&prog, vm_core::asm::Syntax::PseudoC);
            let first = prog.c_line(0).unwrap();
            assert!(
                text.contains(&format!(
                    "; {} @ {}:{}",
                    first.text.trim(),
                    first.file,
                    first.line
                )),
                "{name} {}:\n{text}",
                info.name
            );
            let back = vm_core::asm::assemble(&text)
                .unwrap_or_else(|e| panic!("{name} {}: {e}\n{text}", info.name));
            assert_eq!(back.insns, prog.insns, "{name} {}", info.name);
            assert_eq!(back.maps.len(), prog.maps.len(), "{name} {}", info.name);
        }
    }
}

#[test]
fn core_relocations_the_vm_cannot_honour_are_reported() {
    let obj = object("core_limits.o");
    // Two programs in one section: picked by name.
    assert!(obj.find_in_section("kprobe/do_exit").is_err());
    let err = obj.load_by_name("task_pid").unwrap_err();
    assert!(matches!(err.kind, ElfErrorKind::Unsupported(_)), "{err}");
    assert_eq!(
        (err.section.as_deref(), err.offset),
        (Some("kprobe/do_exit"), Some(8))
    );
    assert!(
        err.to_string()
            .contains("[byte_off] task_struct '0:1': struct task_struct is not a context type"),
        "{err}"
    );
    // bpf_core_type_exists(struct pt_regs): the VM has it.
    let prog = obj.load_by_name("has_pt_regs").unwrap();
    assert!(matches!(
        prog.insns[0],
        Insn::Alu {
            src: vm_core::isa::Operand::Imm(1),
            ..
        }
    ));
}

#[test]
fn objects_without_debug_info_load_without_c_lines() {
    let obj = object("tc_load_bytes_nodebug.o");
    let prog = obj.load_by_section("tc").unwrap();
    assert!(prog.c_lines.iter().all(Option::is_none));
    assert_eq!(prog.maps, object("tc_load_bytes.o").maps());
    // The same instructions as the -g build: debug info does not change code.
    let with_g = object("tc_load_bytes.o").load_by_section("tc").unwrap();
    assert_eq!(prog.insns, with_g.insns);
}

#[test]
fn callback_addresses_point_at_the_appended_function() {
    let prog = object("loop_callback.o").load_by_name("xdp_loop").unwrap();
    let names: Vec<(usize, &str)> = prog
        .functions
        .iter()
        .map(|(i, n)| (*i, n.as_str()))
        .collect();
    assert_eq!(names, [(0, "xdp_loop"), (19, "add_index")]);
    // r2 = add_index ll: BPF_PSEUDO_FUNC, imm relative to the next slot.
    assert!(matches!(
        prog.insns[7],
        Insn::LdImm64 {
            kind: LdImm64Kind::Func,
            imm: 11,
            ..
        }
    ));
    assert_eq!(prog.insns[7].branch_target(7), Some(19));
    assert!(matches!(
        prog.insns[10],
        Insn::Call(CallTarget::Helper(181))
    ));
}
