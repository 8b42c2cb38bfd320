//! The README's "Maps" and "Helpers" tables list exactly what the VM supports,
//! and `docs/runtime.md` shows the context layouts the verifier and the
//! interpreter use.

use vm_core::ctx::{layout, FieldAccess};
use vm_core::helpers::BUILTIN_HELPERS;
use vm_core::{MapType, ProgramType};

const README: &str = include_str!("../../README.md");
const RUNTIME_DOC: &str = include_str!("../../docs/runtime.md");

/// The rows of the table under `## heading`.
fn rows(heading: &str) -> Vec<&'static str> {
    let start = README
        .find(&format!("## {heading}\n"))
        .unwrap_or_else(|| panic!("README has no '## {heading}' section"));
    let section = &README[start + heading.len() + 4..];
    let end = section.find("\n## ").unwrap_or(section.len());
    section[..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| id"))
        .collect()
}

#[test]
fn helpers_table_matches_the_registry() {
    let rows = rows("Helpers");
    assert_eq!(rows.len(), BUILTIN_HELPERS.len(), "one row per helper");
    for (row, p) in rows.iter().zip(BUILTIN_HELPERS) {
        assert!(
            row.starts_with(&format!("| {} | `{}` |", p.id, p.name)),
            "{row} vs {}",
            p.name
        );
    }
}

#[test]
fn maps_table_matches_the_map_types() {
    let rows = rows("Maps");
    assert_eq!(rows.len(), MapType::ALL.len(), "one row per map type");
    for (row, t) in rows.iter().zip(MapType::ALL) {
        let kernel_name = format!("BPF_MAP_TYPE_{}", t.name().to_uppercase());
        assert!(
            row.starts_with(&format!(
                "| {} | `{kernel_name}` | `{}` |",
                t as u32,
                t.name()
            )),
            "{row}"
        );
    }
}

#[test]
fn runtime_doc_shows_every_context_field() {
    let access = |a: FieldAccess| match a {
        FieldAccess::None => "no",
        FieldAccess::Exact => "whole",
        FieldAccess::Narrow => "narrow",
    };
    for t in ProgramType::ALL {
        let l = layout(t);
        let heading = format!("### `{}`: {} ({} bytes)", t.name(), l.name, l.size);
        let start = RUNTIME_DOC
            .find(&heading)
            .unwrap_or_else(|| panic!("missing {heading}"));
        let section = &RUNTIME_DOC[start..];
        for f in l.fields {
            let yields = if f.read == FieldAccess::None {
                ""
            } else {
                f.yields.log_name()
            };
            let row = format!(
                "| {} | {} | `{}` | {} | {} | {} |",
                f.offset,
                f.size,
                f.name,
                access(f.read),
                access(f.write),
                yields
            );
            assert!(section.contains(&row), "{heading}: missing {row}");
        }
    }
}
