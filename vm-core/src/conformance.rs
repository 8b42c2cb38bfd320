//! Runs the public eBPF conformance suite's test files (`*.data`).
//!
//! Test support shared by the native test (`tests/conformance.rs`), the
//! browser test (wasm) and the CLI's plugin mode, so all three run a case the
//! same way: r1 = the address of the `-- mem` bytes, r2 = their length (0 and
//! 0 without memory), and helper 5 is the suite's `unwind(x)`: it stops the
//! program with r0 = x when x == 0, else returns x.
//!
//! ```
//! // mov32 %r0, 7; exit
//! let case = "-- raw\n0x00000007000000b4\n0x0000000000000095\n-- result\n0x7\n";
//! assert_eq!(vm_core::conformance::run_case(case), Ok(7));
//! ```

use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::interp::{
    CompiledProgram, Env, HelperError, HelperResult, InterpError, Memory, NoHelpers, RegionKind,
    Vm, VmConfig,
};
use crate::isa::{decode_raw, Insn, RawInsn, Reg};
use crate::program::Program;

/// The helper id of the suite's `unwind`.
pub const UNWIND_HELPER: i32 = 5;

/// Instructions a conformance case may run.
pub const CASE_BUDGET: u64 = 1_000_000;

/// One parsed `.data` file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Case {
    /// The `-- asm` section (mnemonic syntax), if any.
    pub asm: Option<String>,
    /// The `-- raw` section: one 64-bit little-endian instruction word per line.
    pub raw: Option<Vec<u64>>,
    /// The `-- mem` bytes.
    pub mem: Vec<u8>,
    /// The expected `r0`.
    pub result: Option<u64>,
    /// The expected error, when the program must fail.
    pub error: Option<String>,
}

/// The suite's helper environment: only `unwind` (5).
#[derive(Clone, Copy, Debug, Default)]
pub struct ConformanceEnv;

impl Env for ConformanceEnv {
    fn call_helper(
        &mut self,
        id: i32,
        args: [u64; 5],
        mem: &mut Memory,
    ) -> Result<HelperResult, HelperError> {
        match id {
            UNWIND_HELPER if args[0] == 0 => Ok(HelperResult::Exit(0)),
            UNWIND_HELPER => Ok(HelperResult::Return(args[0])),
            _ => NoHelpers.call_helper(id, args, mem),
        }
    }
}

fn strip_comment(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}

/// Parses a number as the suite writes them: `0x...` hex or decimal, optionally negative.
pub fn parse_number(text: &str) -> Option<u64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let v = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok()?,
        None => t.parse::<u64>().ok()?,
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

/// Parses hex bytes separated by whitespace (`aa bb 11`), or written together (`aabb11`).
pub fn parse_hex_bytes(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text.split_whitespace().collect();
    if digits.len() % 2 != 0 {
        return Err(format!("odd number of hex digits in {:?}", text.trim()));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            let pair = digits.get(i..i + 2).unwrap_or("");
            u8::from_str_radix(pair, 16).map_err(|_| format!("invalid hex byte {pair:?}"))
        })
        .collect()
}

/// Splits a `.data` file into its sections.
pub fn parse_case(text: &str) -> Result<Case, String> {
    let mut case = Case::default();
    let mut section: Option<&str> = None;
    let mut body = String::new();
    let finish = |name: Option<&str>, body: &str, case: &mut Case| -> Result<(), String> {
        match name {
            None | Some("c") | Some("no register offset") => Ok(()),
            Some("asm") => {
                case.asm = Some(body.to_string());
                Ok(())
            }
            Some("raw") => {
                let words = body
                    .lines()
                    .map(strip_comment)
                    .filter(|l| !l.is_empty())
                    .map(|l| parse_number(l).ok_or_else(|| format!("invalid raw word {l:?}")))
                    .collect::<Result<Vec<u64>, String>>()?;
                case.raw = Some(words);
                Ok(())
            }
            Some("mem") => {
                let hex: String = body
                    .lines()
                    .map(strip_comment)
                    .collect::<Vec<_>>()
                    .join(" ");
                case.mem = parse_hex_bytes(&hex)?;
                Ok(())
            }
            Some("result") => {
                let text: Vec<&str> = body
                    .lines()
                    .map(strip_comment)
                    .filter(|l| !l.is_empty())
                    .collect();
                let first = text.first().ok_or("empty result section")?;
                case.result =
                    Some(parse_number(first).ok_or_else(|| format!("invalid result {first:?}"))?);
                Ok(())
            }
            Some("error") => {
                case.error = Some(body.trim().to_string());
                Ok(())
            }
            Some(other) => Err(format!("unknown section -- {other}")),
        }
    };
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- ") {
            finish(section, &body, &mut case)?;
            section = Some(name.trim());
            body.clear();
        } else if section.is_some() {
            body.push_str(line);
            body.push('\n');
        }
    }
    finish(section, &body, &mut case)?;
    Ok(case)
}

/// The case's program: the `-- raw` words when present, else the assembled `-- asm`.
pub fn case_program(case: &Case) -> Result<Program, String> {
    if let Some(words) = &case.raw {
        let raws: Vec<RawInsn> = words.iter().map(|w| RawInsn::from_u64(*w)).collect();
        let insns = decode_raw(&raws).map_err(|e| format!("decode: {e}"))?;
        return Ok(Program::from_insns(insns));
    }
    let src = case.asm.as_deref().ok_or("no -- asm or -- raw section")?;
    crate::asm::assemble_with(src, crate::asm::Syntax::Mnemonic).map_err(|e| format!("asm: {e}"))
}

/// Runs instructions the suite's way: r1 = the address of `mem` (writable), r2 = its length.
pub fn run_insns(insns: &[Insn], mem: &[u8]) -> Result<u64, InterpError> {
    let code = Arc::new(CompiledProgram::from_insns(insns));
    let mut memory = Memory::new();
    let (addr, len) = if mem.is_empty() {
        (0, 0)
    } else {
        let id = memory.add_region(RegionKind::User, mem.to_vec(), true);
        (memory.region(id).map(|r| r.base()).unwrap_or(0), mem.len())
    };
    let config = VmConfig {
        budget: CASE_BUDGET,
        ..VmConfig::default()
    };
    let mut vm = Vm::new(code, memory, config);
    vm.set_reg(Reg::R1, addr);
    vm.set_reg(Reg::R2, len as u64);
    vm.run(&mut ConformanceEnv)
}

/// Runs one `.data` file; `Ok(r0)` when the result (or the expected error) matches.
pub fn run_case(text: &str) -> Result<u64, String> {
    let case = parse_case(text)?;
    let program = match case_program(&case) {
        Ok(p) => p,
        Err(_) if case.error.is_some() => return Ok(0),
        Err(e) => return Err(e),
    };
    match (
        run_insns(&program.insns, &case.mem),
        &case.error,
        case.result,
    ) {
        (Ok(r0), None, Some(want)) if r0 == want => Ok(r0),
        (Ok(r0), None, Some(want)) => Err(format!("r0 = {r0:#x}, expected {want:#x}")),
        (Ok(r0), None, None) => Ok(r0),
        (Ok(r0), Some(err), _) => Err(format!("r0 = {r0:#x}, expected the error {err:?}")),
        (Err(_), Some(_), _) => Ok(0),
        (Err(e), None, _) => Err(format!("error: {e}")),
    }
}

/// The outcome of a whole suite.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuiteReport {
    /// Names of the cases that passed.
    pub passed: Vec<String>,
    /// Names of the cases that failed, with why.
    pub failed: Vec<(String, String)>,
}

impl SuiteReport {
    /// A summary line in the form test runners print: `conformance: N passed, M failed`.
    pub fn summary(&self) -> String {
        format!(
            "conformance: {} passed, {} failed",
            self.passed.len(),
            self.failed.len()
        )
    }
}

/// Runs every (name, file contents) pair.
pub fn run_suite<'a>(cases: impl IntoIterator<Item = (&'a str, &'a str)>) -> SuiteReport {
    let mut report = SuiteReport::default();
    for (name, text) in cases {
        match run_case(text) {
            Ok(_) => report.passed.push(name.to_string()),
            Err(e) => report.failed.push((name.to_string(), e)),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_and_ignores_comments() {
        let text = "# header\n-- raw\n0x00000007000000b4 # mov32\n0x0000000000000095\n-- mem\naa bb\n11\n-- result\n0x7\n-- no register offset\nx\n";
        let case = parse_case(text).unwrap();
        assert_eq!(case.raw.as_deref(), Some(&[0x7_0000_00b4u64, 0x95][..]));
        assert_eq!(case.mem, [0xaa, 0xbb, 0x11]);
        assert_eq!(case.result, Some(7));
        assert_eq!(run_case(text), Ok(7));
        let wrong = text.replace("-- result\n0x7", "-- result\n0x8");
        assert_eq!(run_case(&wrong), Err("r0 = 0x7, expected 0x8".to_string()));
    }

    #[test]
    fn memory_is_passed_in_r1_and_r2() {
        // r0 = *(u8 *)(r1 + 1) + r2
        let text = "-- raw\n0x0000000000011071\n0x000000000000200f\n0x0000000000000095\n-- mem\n05 06 07\n-- result\n9\n";
        assert_eq!(run_case(text), Ok(9));
    }

    #[test]
    fn numbers_and_hex() {
        assert_eq!(parse_number("-1"), Some(u64::MAX));
        assert_eq!(parse_number("0x10"), Some(16));
        assert!(parse_hex_bytes("abc").is_err());
        assert!(parse_case("-- bogus\n").is_err());
    }
}
