//! The README's "Maps" and "Helpers" tables list exactly what the VM supports.

use vm_core::helpers::BUILTIN_HELPERS;
use vm_core::MapType;

const README: &str = include_str!("../../README.md");

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
