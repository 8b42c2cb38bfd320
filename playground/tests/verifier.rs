//! The verifier panel in headless Chromium, used as a learner would: run a
//! program, step, click, type a guess, and read what the page says.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

/// Reads byte 12 on the proven side of the bounds check (line 7).
fn branchy() -> String {
    xdp_after_bounds_check("r0 = *(u8 *)(r2 + 12)\n")
}

/// Reads r3, which nothing wrote.
const REJECTED: &str = ".type xdp\nr0 = 1\nr0 += r3\nexit\n";

/// "step 3 / 9" -> (3, 9).
fn position(root: &Element) -> (usize, usize) {
    let text = text_of(root, "#step-count");
    let rest = text.strip_prefix("step ").expect("step count text");
    let (a, b) = rest.split_once(" / ").expect("a / b");
    (a.parse().unwrap(), b.parse().unwrap())
}

async fn press(root: &Element, key: &str) {
    support::press(root, "#verifier", key).await;
}

/// Steps forward until the current instruction reads `text`.
async fn step_to(root: &Element, text: &str) {
    click(root, "#step-first").await;
    for _ in 0..40 {
        if text_of(root, ".step-insn").starts_with(text) {
            return;
        }
        click(root, "#step-forward").await;
    }
    panic!("never reached {text:?}");
}

/// Runs `source` (a fresh app) and steps the verifier to `insn`.
async fn at_step(source: &str, insn: &str) -> Element {
    let root = run_program(source).await;
    step_to(&root, insn).await;
    root
}

#[wasm_bindgen_test]
async fn verdict_stats_and_the_buttons_and_keys_move_the_stepper() {
    let root = run_program(&branchy()).await;
    assert!(text_of(&root, "#verdict-line").contains("accepted"));
    let stats = text_of(&root, "#verifier-stats");
    assert!(stats.contains("processed insns"), "{stats:?}");
    assert!(stats.contains("paths"), "{stats:?}");
    let (at, n) = position(&root);
    assert_eq!(at, 1, "an accepted program opens on its first step");
    assert!(n >= 8, "{n} steps");
    press(&root, "j").await;
    assert_eq!(position(&root).0, 2);
    press(&root, "j").await;
    press(&root, "k").await;
    assert_eq!(position(&root).0, 2);
    click(&root, "#step-last").await;
    assert_eq!(position(&root).0, n);
    assert!(find::<HtmlElement>(&root, "#step-forward").has_attribute("disabled"));
    click(&root, "#step-first").await;
    assert_eq!(position(&root).0, 1);
    // Jump to an instruction by number.
    let jump: HtmlInputElement = find(&root, "#jump-insn");
    jump.set_value("5");
    click(&root, "#jump-go").await;
    assert_eq!(text_of(&root, ".step-insn"), "r0 = *(u8 *)(r2 + 12)");
    // The editor marks the line of the current instruction (line 7).
    assert_eq!(text_of(&root, ".gutter-current"), "7");
    jump.set_value("99");
    click(&root, "#jump-go").await;
    assert!(text_of(&root, ".stepper-block").contains("give an instruction 0 to 7"));
    root.remove();
}

#[wasm_bindgen_test]
async fn next_and_previous_iteration_visit_the_same_instruction_again() {
    let root = at_step(&counting_loop(4), "r1 += 1").await;
    assert_eq!(text_of(&root, "#iteration"), "visit 1 of 4");
    assert!(find::<HtmlElement>(&root, "#iter-prev").has_attribute("disabled"));
    let first = position(&root).0;
    click(&root, "#iter-next").await;
    assert_eq!(text_of(&root, ".step-insn"), "r1 += 1");
    assert_eq!(text_of(&root, "#iteration"), "visit 2 of 4");
    assert!(position(&root).0 > first + 1);
    press(&root, "n").await;
    assert_eq!(text_of(&root, "#iteration"), "visit 3 of 4");
    press(&root, "p").await;
    click(&root, "#iter-prev").await;
    assert_eq!(position(&root).0, first);
    // The register written shows old -> new.
    let regs = text_of(&root, "#regs");
    assert!(regs.contains("R1") && regs.contains("0 -> 1"), "{regs:?}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_written_register_and_stack_slot_show_old_and_new() {
    let root = at_step(
        ".type xdp\nr1 = 7\n*(u64 *)(r10 - 8) = r1\nr0 = 2\nexit\n",
        "*(u64 *)(r10",
    )
    .await;
    let slots = text_of(&root, "#stack-slots");
    assert!(slots.contains("fp-8"), "{slots:?}");
    assert!(slots.contains("—"), "the slot was empty before: {slots:?}");
    assert!(slots.contains("written"), "{slots:?}");
    let regs = text_of(&root, "#regs");
    assert!(regs.contains("read"), "r1 and r10 are read: {regs:?}");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_path_tree_lists_both_sides_of_a_branch_and_jumps() {
    let root = run_program(&branchy()).await;
    let tree = text_of(&root, "#path-tree");
    assert!(tree.contains("path 0 from insn 0"), "{tree:?}");
    assert!(tree.contains("reached exit"), "{tree:?}");
    let second = root
        .query_selector_all("#path-tree .link-button")
        .unwrap()
        .item(1)
        .expect("a second path")
        .dyn_into::<HtmlElement>()
        .unwrap();
    second.click();
    settle().await;
    assert_eq!(
        text_of(&root, ".step-insn"),
        "r0 = 2",
        "the pushed side starts at out:"
    );
    assert!(text_of(&root, ".step-meta").contains("path 1"));
    root.remove();
}

#[wasm_bindgen_test]
async fn the_error_is_explained_with_a_hint_and_the_log_can_be_copied() {
    let root = run_program(REJECTED).await;
    let error = text_of(&root, "#verifier-error");
    assert!(error.contains("R3 !read_ok"), "{error:?}");
    assert!(
        text_of(&root, "#error-explanation").contains("read before any instruction wrote"),
        "{error:?}"
    );
    assert!(text_of(&root, "#error-hint").contains("Assign the register before using it"));
    let log = text_of(&root, "#verifier-log");
    assert!(log.contains("R3 !read_ok"), "{log:?}");
    assert!(log.contains("processed"), "{log:?}");
    click(&root, "#copy-log").await;
    until("the clipboard's answer", || exists(&root, "#copy-status")).await;
    let status = text_of(&root, "#copy-status");
    assert!(
        status == "Copied" || status.contains("select the text"),
        "{status:?}"
    );
    // Jump to the error from the first step.
    click(&root, "#step-first").await;
    click(&root, "#step-error").await;
    assert_eq!(text_of(&root, ".step-insn"), "r0 += r3");
    root.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_register_traces_where_its_value_came_from() {
    let root = at_step(&branchy(), "if r4 > r3 goto").await;
    let r4 = root.query_selector_all("#regs .reg-button").unwrap();
    let button = (0..r4.length())
        .filter_map(|i| r4.item(i))
        .find(|b| b.text_content().as_deref() == Some("R4"))
        .expect("an R4 button")
        .dyn_into::<HtmlElement>()
        .unwrap();
    button.click();
    settle().await;
    let chain = text_of(&root, "#origin");
    assert!(chain.contains("insn 3: r4 += 14"), "{chain:?}");
    assert!(chain.contains("insn 2: r4 = r2"), "{chain:?}");
    assert!(chain.contains("insn 0: r2 = *(u32 *)(r1 + 0)"), "{chain:?}");
    // A link goes to the step that wrote it.
    let link = find::<HtmlElement>(&root, "#origin .link-button");
    link.click();
    settle().await;
    assert_eq!(text_of(&root, ".step-insn"), "r4 += 14");
    root.remove();
}

#[wasm_bindgen_test]
async fn abstract_beside_concrete_says_the_run_lies_within_the_bounds() {
    let root = at_step(&branchy(), "r0 = *(u8 *)(r2 + 12)").await;
    let table = text_of(&root, "#concrete-table");
    assert!(
        table.contains("pkt(r=14)") || table.contains("pkt("),
        "{table:?}"
    );
    assert!(table.contains("points into packet"), "{table:?}");
    assert!(table.contains("points into ctx + 0"), "{table:?}");
    assert!(table.contains("points into the stack at fp+0"), "{table:?}");
    assert!(text_of(&root, "#fit-summary").contains("Every concrete value lies within"));
    // The pushed side is a path this packet did not take.
    click(&root, "#step-last").await;
    assert!(exists(&root, "#concrete-other-path"));
    root.remove();
}

#[wasm_bindgen_test]
async fn each_step_is_narrated_in_plain_english() {
    let root = at_step(&branchy(), "r4 += 14").await;
    let said = text_of(&root, "#narration");
    assert!(
        said.contains("r4 is now a packet pointer 14 bytes past its start; nothing is proven about the packet yet"),
        "{said:?}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn predict_mode_hides_the_answer_until_the_learner_guesses() {
    let root = run_program(".type xdp\nr0 = 40\nr0 += 2\nexit\n").await;
    click(&root, "#predict-mode").await;
    // The verdict is hidden behind a guess.
    assert!(!exists(&root, "#verdict-line"));
    click(&root, "#guess-rejected").await;
    assert!(text_of(&root, "#verdict-guess").contains("wrong"));
    assert!(text_of(&root, "#verdict-line").contains("accepted"));
    // Guess r0 after `r0 += 2`: the after column stays hidden until then.
    step_to(&root, "r0 += 2").await;
    assert!(!text_of(&root, "#regs").contains("->"));
    let input: HtmlInputElement = find(&root, "#predict-input");
    input.set_value("42");
    click(&root, "#predict-check").await;
    assert_eq!(text_of(&root, "#predict-result"), "Right: R0=42");
    assert!(text_of(&root, "#regs").contains("40 -> 42"));
    // A wrong guess on the next step says so.
    click(&root, "#step-first").await;
    let input: HtmlInputElement = find(&root, "#predict-input");
    input.set_value("41");
    click(&root, "#predict-check").await;
    assert_eq!(text_of(&root, "#predict-result"), "Not quite: R0=40");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_step_of_a_4096_instruction_program_renders_without_verifying_again() {
    let root = run_program(&xdp_repeating("r0 = 0\n", "r0 += 1\n", 4093)).await;
    assert_eq!(position(&root).1, 4096);
    let median = median_step_time(&root, "#verifier", "#step-count").await;
    // Unoptimised test builds are several times slower than the release
    // page; verifying again per step would take far longer than this.
    assert!(median < 250.0, "median step {median} ms");
    root.remove();
}

#[wasm_bindgen_test]
async fn predict_mode_asks_which_way_a_jump_goes_and_nothing_on_a_store() {
    let source = ".type xdp\nr2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\n\
                  *(u64 *)(r10 - 8) = r2\nif r3 > r2 goto pass\nr0 = 1\nexit\npass:\nr0 = 2\nexit\n";
    let root = run_program(source).await;
    click(&root, "#predict-mode").await;
    click(&root, "#guess-accepted").await;
    // A store writes no register: no register question, only the narration.
    step_to(&root, "*(u64 *)(r10 ").await;
    assert!(!exists(&root, "#predict-input"), "a store asks nothing");
    assert!(text_of(&root, "#narration").contains("stores 8 bytes"));
    // A conditional jump asks which way, not "What will R0 be".
    step_to(&root, "if r3 > r2 goto").await;
    assert!(!exists(&root, "#predict-input"));
    assert!(text_of(&root, "#predict").contains("Which way will the verifier go"));
    click(&root, "#guess-jumps").await;
    let said = text_of(&root, "#predict-result");
    assert!(
        said.starts_with("Not quite: both outcomes are possible"),
        "{said:?}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn the_fix_names_this_errors_register_and_bytes_as_code() {
    // Reads the EtherType (bytes 12-13) with no bounds check.
    let root =
        run_program(".type xdp\nr2 = *(u32 *)(r1 + 0)\nr0 = *(u16 *)(r2 + 12)\nr0 = 2\nexit\n")
            .await;
    let hint = find::<Element>(&root, "#error-hint");
    let text = hint.text_content().unwrap_or_default();
    assert!(!text.contains('`'), "{text:?}");
    assert!(!text.contains("rX + K + N"), "{text:?}");
    let code = text_of(&root, "#error-hint code");
    assert_eq!(code, "if r2 + 14 > data_end goto drop");
    // The error step says it in plain words, not the kernel's message again.
    let said = text_of(&root, "#narration");
    assert!(said.contains("Packet bytes may only be read"), "{said:?}");
    assert!(said.contains("if r2 + 14 > data_end goto drop"), "{said:?}");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_bounded_loop_example_steps_through_its_iterations() {
    let root = mount_fresh().await;
    pick_example(&root, "ipv4-checksum").await;
    // The sample packet's IPv4 header checksum is right.
    until("the verdict", || {
        text_of(&root, "#verdict-line").contains("accepted")
    })
    .await;
    step_to(&root, "r6 += r5").await;
    assert_eq!(text_of(&root, "#iteration"), "visit 1 of 10");
    click(&root, "#iter-next").await;
    assert_eq!(text_of(&root, ".step-insn"), "r6 += r5");
    assert_eq!(text_of(&root, "#iteration"), "visit 2 of 10");
    press(&root, "n").await;
    assert_eq!(text_of(&root, "#iteration"), "visit 3 of 10");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_rejected_loop_example_names_the_infinite_loop() {
    let root = mount_fresh().await;
    pick_example(&root, "reject-infinite-loop").await;
    until("the error", || exists(&root, "#verifier-error")).await;
    let error = text_of(&root, "#verifier-error");
    assert!(
        error.contains("infinite loop detected at insn 1"),
        "{error:?}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_rejection_after_the_trace_stopped_is_still_explained_and_said() {
    // r1 never returns to 0 for the verifier: 1,000,000 instructions, then
    // `BPF program is too large`; the trace keeps the first 20,000 steps.
    let root = mount_fresh().await;
    type_program(
        &root,
        ".type xdp\nr1 = 0\nloop:\nr1 += 1\nif r1 != 0 goto loop\nr0 = 2\nexit\n",
    )
    .await;
    let start = js_sys::Date::now();
    run(&root).await;
    until("the verdict", || exists(&root, "#verifier-error")).await;
    let took = js_sys::Date::now() - start;
    web_sys::console::log_1(&format!("verifying 1,000,000 insns took {took} ms").into());
    // Unoptimised test build; the release page is several times faster.
    assert!(took < 30_000.0, "{took} ms");
    let error = text_of(&root, "#verifier-error");
    assert!(error.contains("BPF program is too large"), "{error:?}");
    let cut = text_of(&root, "#trace-cut");
    assert!(
        cut.contains(
            "The trace stopped after 20,000 steps; the verifier went on to process 1,000,00"
        ),
        "{cut:?}"
    );
    assert!(cut.contains("rejected insn"), "{cut:?}");
    // No pretending: the error's step is not in the trace.
    assert!(find::<HtmlElement>(&root, "#step-error").has_attribute("disabled"));
    assert_eq!(position(&root), (1, 20_000));
    press(&root, "e").await;
    assert_eq!(position(&root), (1, 20_000));
    // The page shows the log's end, with the summary; Copy log has it all.
    let log = text_of(&root, "#verifier-log");
    assert!(log.lines().count() <= 400, "{} lines", log.lines().count());
    assert!(
        log.contains("processed"),
        "{:?}",
        &log[log.len().saturating_sub(300)..]
    );
    assert!(text_of(&root, "#log-cut").starts_with("Showing the last 400 of"));
    root.remove();
}
