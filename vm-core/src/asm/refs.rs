//! The `lddw` operands that are references rather than numbers, shared by both
//! syntaxes: maps (`map[counts]`, `map[counts][0] + 8`, `map[id:0]`), map
//! indices (`map_idx[...]`), functions (`func[label]`), BTF ids (`btf_id[7]`),
//! and the raw form `ld_imm64[src, imm, next_imm]` for anything else.

use alloc::format;
use alloc::string::ToString;

use super::builder::{Builder, Fixup, Target};
use super::cursor::{imm32_of, Cursor};
use super::lexer::Tok;
use super::AsmError;
use crate::isa::{Insn, LdImm64Kind, Reg};

/// True if a reference operand starts at the cursor.
pub(crate) fn at_ref(c: &Cursor<'_>) -> bool {
    matches!(
        (c.peek(), c.peek_at(1)),
        (
            Some(Tok::Ident(
                "map" | "map_idx" | "func" | "btf_id" | "ld_imm64"
            )),
            Some(Tok::Punct("["))
        )
    )
}

/// Parses a reference operand and emits the `lddw` loading it into `dst`.
pub(crate) fn ld_imm64_ref(
    b: &mut Builder,
    c: &mut Cursor<'_>,
    dst: Reg,
    line: u32,
) -> Result<(), AsmError> {
    let (word, _) = c.ident("map[...], func[...], btf_id[...] or ld_imm64[...]")?;
    c.expect("[")?;
    match word {
        "map" | "map_idx" => {
            let (fd_kind, value_kind) = if word == "map" {
                (LdImm64Kind::MapFd, LdImm64Kind::MapValue)
            } else {
                (LdImm64Kind::MapIdx, LdImm64Kind::MapIdxValue)
            };
            // `map[id:N]` names the map by index, as the kernel log names it by id.
            let by_index = matches!(
                (c.peek(), c.peek_at(1)),
                (Some(Tok::Ident("id")), Some(Tok::Punct(":")))
            );
            let (imm, fixup) = if by_index {
                c.bump();
                c.bump();
                (c.imm32("a map index")?, None)
            } else {
                let (name, span) = c.ident("a map name")?;
                (0, Some(Fixup::Map(name.to_string(), span)))
            };
            c.expect("]")?;
            let (kind, off) = if c.eat("[") {
                let (elem, espan) = c.int("0")?;
                if elem != 0 {
                    return Err(espan.error(format!(
                        "expected element 0 (a direct value reference), found {elem}"
                    )));
                }
                c.expect("]")?;
                let off = if c.eat("+") {
                    let (v, span) = c.int("a value offset")?;
                    imm32_of(v, span)?
                } else {
                    0
                };
                (value_kind, off)
            } else {
                (fd_kind, 0)
            };
            b.emit_lddw(dst, kind, imm, off, line, fixup);
            Ok(())
        }
        "func" => {
            let target = if c.eat_ident("pc") || c.at_int() {
                let (v, span) = c.int("an offset")?;
                Target::Offset(v, span)
            } else {
                let (name, span) = c.ident("a function label")?;
                Target::Label(name, span)
            };
            c.expect("]")?;
            let insn = Insn::LdImm64 {
                dst,
                kind: LdImm64Kind::Func,
                imm: 0,
                next_imm: 0,
            };
            b.emit_branch(insn, line, target)
        }
        "btf_id" => {
            let imm = c.imm32("a BTF id")?;
            c.expect("]")?;
            b.emit_lddw(dst, LdImm64Kind::BtfId, imm, 0, line, None);
            Ok(())
        }
        _ => {
            let (src, span) = c.int("the src field (0 to 6)")?;
            let kind = u8::try_from(src)
                .ok()
                .and_then(LdImm64Kind::from_src)
                .ok_or_else(|| {
                    span.error(format!("expected an lddw src field 0 to 6, found {src}"))
                })?;
            c.expect(",")?;
            let imm = c.imm32("imm")?;
            c.expect(",")?;
            let next_imm = c.imm32("next_imm")?;
            c.expect("]")?;
            b.emit_lddw(dst, kind, imm, next_imm, line, None);
            Ok(())
        }
    }
}
