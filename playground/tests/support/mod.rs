//! What every browser test file shares: one way to mount an app, wait
//! until it has rendered, find, click, type and press keys, and wait for
//! what a user would see.
//!
//! Nothing here pauses for a fixed time. After a synchronous event,
//! [`settle`] waits until Yew's scheduler is idle (every queued render and
//! effect done); for what finishes later (reading a file, a web worker, the
//! clipboard), [`until`] polls for the expected state and, on timeout, says
//! what it waited for.
#![allow(dead_code)]

use std::time::Duration;

use gloo_storage::{LocalStorage, Storage};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    DataTransfer, DragEvent, DragEventInit, Element, Event, EventInit, File, HtmlElement,
    HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, InputEvent, InputEventInit,
    KeyboardEvent, KeyboardEventInit,
};

/// How long [`until`] waits before it fails. Generous: the tests of one
/// file share one page and one Yew scheduler, and the machine may be busy.
const WAIT: Duration = Duration::from_secs(20);

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Waits until Yew has rendered everything queued. The scheduler is shared
/// by every app the tests mount at once and yields to the browser every
/// 16 ms, so a fixed pause is not enough while another test renders a big
/// program; `flush` returns once the queue is empty.
pub async fn settle() {
    yew::scheduler::flush().await;
}

/// Mounts an app into a new node, with whatever local storage holds (as a
/// reload would), and waits until it has rendered.
pub async fn mount() -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    playground::mount(root.clone());
    settle().await;
    root
}

/// Mounts an app with empty local storage (a first visit).
pub async fn mount_fresh() -> Element {
    LocalStorage::clear();
    mount().await
}

/// An XDP program that proves 14 packet bytes (lines 2-6: r2 = data,
/// r3 = data_end, r4 = r2 + 14, `if r4 > r3 goto out`), runs `body` on the
/// proven side (from line 7), then `out:` returns XDP_PASS. On the sample
/// packet the run falls through into `body`.
pub fn xdp_after_bounds_check(body: &str) -> String {
    format!(
        ".type xdp\nr2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = r2\nr4 += 14\n\
         if r4 > r3 goto out\n{body}out:\nr0 = 2\nexit\n"
    )
}

/// An XDP program that counts r1 up to `n`: line 4 (`r1 += 1`) runs `n`
/// times, line 5 branches back.
pub fn counting_loop(n: u32) -> String {
    format!(".type xdp\nr1 = 0\nloop:\nr1 += 1\nif r1 < {n} goto loop\nr0 = 2\nexit\n")
}

/// An XDP program of `head`, then `body` `times` times, then `r0 = 2;
/// exit`: a long program from a few lines.
pub fn xdp_repeating(head: &str, body: &str, times: usize) -> String {
    format!(".type xdp\n{head}{}r0 = 2\nexit\n", body.repeat(times))
}

/// Mounts a fresh app, types `source` and runs it.
pub async fn run_program(source: &str) -> Element {
    let root = mount_fresh().await;
    type_program(&root, source).await;
    run(&root).await;
    root
}

/// Mounts an app as if the page had been opened at `address` (a query
/// and/or a fragment: `?embed=editor#w2=...`, `#w1=...`), then puts the
/// address back: other tests of the page mount too.
pub async fn mount_at(address: &str) -> Element {
    let before = web_sys::window().unwrap().location().href().unwrap();
    go_to(address);
    let root = mount().await;
    replace_url(&before);
    root
}

/// Puts `url` in the address bar, replacing the current history entry
/// (as the app's share links do).
pub fn replace_url(url: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(url))
        .unwrap();
}

/// Puts the test page's path with `address` (a query and/or fragment) in
/// the address bar, as opening a link there does.
pub fn go_to(address: &str) {
    let path = web_sys::window().unwrap().location().pathname().unwrap();
    replace_url(&format!("{path}{address}"));
}

pub fn find<T: JsCast>(root: &Element, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} on the page"))
        .dyn_into()
        .unwrap_or_else(|_| panic!("{selector} is not the element type the test expects"))
}

pub fn exists(root: &Element, selector: &str) -> bool {
    root.query_selector(selector).unwrap().is_some()
}

pub fn text_of(root: &Element, selector: &str) -> String {
    find::<Element>(root, selector)
        .text_content()
        .unwrap_or_default()
}

/// The text of `selector`, or "" when nothing on the page matches it (a
/// status line that is not shown).
pub fn text_if_any(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// The text content of every element `selector` matches, in page order.
pub fn texts_of(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i).and_then(|n| n.text_content()))
        .collect()
}

pub async fn click(root: &Element, selector: &str) {
    find::<HtmlElement>(root, selector).click();
    settle().await;
}

pub async fn run(root: &Element) {
    click(root, "#run-button").await;
}

pub fn result_text(root: &Element) -> String {
    text_of(root, "#result")
}

/// Asserts that the result panel says `wanted`.
#[track_caller]
pub fn assert_result(root: &Element, wanted: &str) {
    let said = result_text(root);
    assert!(said.contains(wanted), "the result panel says {said:?}");
}

pub fn editor_text(root: &Element) -> String {
    find::<HtmlTextAreaElement>(root, "#editor-input").value()
}

/// Sets the value of an input, text area or select.
fn set_value(field: &Element, value: &str) {
    if let Some(f) = field.dyn_ref::<HtmlTextAreaElement>() {
        f.set_value(value);
    } else if let Some(f) = field.dyn_ref::<HtmlSelectElement>() {
        f.set_value(value);
    } else {
        field.unchecked_ref::<HtmlInputElement>().set_value(value);
    }
}

/// A bubbling `input` (an InputEvent, as typing gives) or `change` event.
fn bubbling(kind: &str) -> Event {
    if kind == "input" {
        let init = InputEventInit::new();
        init.set_bubbles(true);
        return InputEvent::new_with_event_init_dict(kind, &init)
            .unwrap()
            .into();
    }
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict(kind, &init).unwrap()
}

/// Sets the value of the field `selector`, fires a bubbling `kind` event
/// on it and waits until the page has rendered.
async fn fill(root: &Element, selector: &str, value: &str, kind: &str) {
    let field: Element = find(root, selector);
    set_value(&field, value);
    field.dispatch_event(&bubbling(kind)).unwrap();
    settle().await;
}

/// Puts `text` into the input or text area `selector` and fires `input`, as
/// typing or pasting does.
pub async fn type_into(root: &Element, selector: &str, text: &str) {
    fill(root, selector, text, "input").await;
}

/// Puts `source` into the editor.
pub async fn type_program(root: &Element, source: &str) {
    type_into(root, "#editor-input", source).await;
}

/// Sets the value of the input or select `selector` and fires `change`, as
/// leaving an edited field or picking an option does.
pub async fn change(root: &Element, selector: &str, value: &str) {
    fill(root, selector, value, "change").await;
}

/// Loads an example from the gallery: chooses it, then Open.
pub async fn pick_example(root: &Element, id: &str) {
    change(root, "#example-select", id).await;
    click(root, "#example-open").await;
}

/// Modifier keys held during a key event.
#[derive(Clone, Copy, Default)]
pub struct Held {
    pub shift: bool,
    pub ctrl: bool,
}

pub const SHIFT: Held = Held {
    shift: true,
    ctrl: false,
};

pub const CTRL: Held = Held {
    shift: false,
    ctrl: true,
};

/// Fires a `kind` ("keydown", "keyup") key event for `key` ("j", "Enter",
/// "Tab") on `target`, bubbling and cancelable like the keyboard's. Does
/// not wait: call [`settle`] after.
pub fn key_event(target: &Element, kind: &str, key: &str, held: Held) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(held.shift);
    init.set_ctrl_key(held.ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

/// Presses `key` (a keydown) on the element `selector` and waits until the
/// page has rendered.
pub async fn press(root: &Element, selector: &str, key: &str) {
    key_event(&find(root, selector), "keydown", key, Held::default());
    settle().await;
}

/// A DataTransfer holding one file with these bytes, as a drop or a file
/// picker gives it.
pub fn files(name: &str, bytes: &[u8]) -> DataTransfer {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let file = File::new_with_u8_array_sequence(&parts, name).unwrap();
    let transfer = DataTransfer::new().unwrap();
    transfer.items().add_with_file(&file).unwrap();
    transfer
}

/// Picks a file with these bytes in the file input `selector`. Reading it
/// is asynchronous: wait with [`until`] for what it shows.
pub fn pick_file(root: &Element, selector: &str, name: &str, bytes: &[u8]) {
    let input: HtmlInputElement = find(root, selector);
    input.set_files(files(name, bytes).files().as_ref());
    input
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
}

/// Drops a file with these bytes on the element `selector`, as a user
/// dragging a file would. Reading it is asynchronous: wait with [`until`].
pub fn drop_file(root: &Element, selector: &str, name: &str, bytes: &[u8]) {
    let init = DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&files(name, bytes)));
    let event = DragEvent::new_with_event_init_dict("drop", &init).unwrap();
    find::<Element>(root, selector)
        .dispatch_event(&event)
        .unwrap();
}

/// Waits until `ok` holds, letting Yew render between checks; fails after
/// 20 s naming `what` it waited for.
pub async fn until(what: &str, ok: impl Fn() -> bool) {
    let start = js_sys::Date::now();
    loop {
        settle().await;
        if ok() {
            return;
        }
        let waited = js_sys::Date::now() - start;
        assert!(
            waited < WAIT.as_millis() as f64,
            "waited {waited} ms for {what}"
        );
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Checks for `window` that `ok` keeps holding (what must not happen, such
/// as a worker sending more after Cancel); fails at once if it stops.
pub async fn stays(what: &str, window: Duration, ok: impl Fn() -> bool) {
    let start = js_sys::Date::now();
    while js_sys::Date::now() - start < window.as_millis() as f64 {
        settle().await;
        assert!(ok(), "{what} stopped holding");
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    settle().await;
    assert!(ok(), "{what} stopped holding");
}

/// Milliseconds from a `j` keydown on `target` until Yew has rendered the
/// new step (its scheduler's queue is empty again), checking that the text
/// of `position` changed.
pub async fn step_time(root: &Element, target: &str, position: &str) -> f64 {
    let perf = web_sys::window().unwrap().performance().unwrap();
    let before = text_of(root, position);
    let target: Element = find(root, target);
    let t0 = perf.now();
    key_event(&target, "keydown", "j", Held::default());
    settle().await;
    let t = perf.now() - t0;
    assert_ne!(text_of(root, position), before, "the step rendered");
    t
}

/// The median of nine step times (see [`step_time`]), logged to the
/// console with all nine.
pub async fn median_step_time(root: &Element, target: &str, position: &str) -> f64 {
    let mut times: Vec<f64> = Vec::new();
    for _ in 0..9 {
        times.push(step_time(root, target, position).await);
    }
    times.sort_by(f64::total_cmp);
    web_sys::console::log_1(&format!("step render times (ms) at {target}: {times:?}").into());
    times[times.len() / 2]
}
