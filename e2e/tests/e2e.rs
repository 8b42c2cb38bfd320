//! End-to-end: the release build in dist/, served on 127.0.0.1, driven in
//! headless Chromium as a user would. Run by `cargo xtask test`.

use std::time::Duration;

use e2e::{dist_dir, screenshot_dir, serve_static, Driver};
use fantoccini::{Client, Locator};

const EDITOR: &str = "#editor-input";
const RUN: &str = "#run-button";
const RESULT: &str = "#result";

async fn type_program(c: &Client, source: &str) {
    let editor = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(EDITOR))
        .await
        .expect("the editor appears");
    editor.clear().await.expect("clear the editor");
    editor
        .send_keys(source)
        .await
        .expect("type into the editor");
}

async fn result_text(c: &Client, wanted: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        last = c
            .find(Locator::Css(RESULT))
            .await
            .expect("result panel")
            .text()
            .await
            .expect("result text");
        if last.contains(wanted) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    last
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("take a screenshot");
    let path = screenshot_dir().join(name);
    std::fs::write(&path, png).expect("save the screenshot");
    eprintln!("saved {}", path.display());
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a release trunk build and Chromium: run `cargo xtask test`"]
async fn typing_a_program_and_pressing_run_shows_r0() {
    let base = serve_static(dist_dir());
    let driver = Driver::start();
    let c = driver.session().await;

    c.goto(&base).await.expect("open the playground");
    type_program(&c, "r0 = 42\nexit\n").await;
    c.find(Locator::Css(RUN))
        .await
        .expect("Run button")
        .click()
        .await
        .expect("click Run");
    let text = result_text(&c, "r0 = 42").await;
    screenshot(&c, "run-r0-42.png").await;
    assert!(text.contains("r0 = 42"), "result panel says {text:?}");

    // A typo names its line and column.
    type_program(&c, "r0 = 42\nexti\n").await;
    c.find(Locator::Css(RUN))
        .await
        .expect("Run button")
        .click()
        .await
        .expect("click Run");
    let text = result_text(&c, "line 2").await;
    screenshot(&c, "asm-error.png").await;
    assert!(
        text.contains("line 2, column 1"),
        "result panel says {text:?}"
    );

    c.close().await.expect("close the session");
}

async fn pick_example(c: &Client, id: &str) {
    let select = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#example-select"))
        .await
        .expect("the examples menu appears");
    select
        .select_by_value(id)
        .await
        .expect("choose the example");
}

async fn text_of(c: &Client, selector: &str) -> String {
    c.find(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .text()
        .await
        .expect("element text")
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a release trunk build and Chromium: run `cargo xtask test`"]
async fn examples_verify_step_to_the_error_and_share_a_link() {
    let base = serve_static(dist_dir());
    let driver = Driver::start();
    let c = driver.session().await;
    c.goto(&base).await.expect("open the playground");

    // An XDP example over the sample packet (UDP to port 53): dropped.
    pick_example(&c, "xdp-drop-dns").await;
    let text = result_text(&c, "XDP_DROP").await;
    assert!(text.contains("XDP_DROP"), "result panel says {text:?}");
    c.find(Locator::Css("#tab-program"))
        .await
        .expect("Program tab")
        .click()
        .await
        .expect("open Program");
    screenshot(&c, "program-view.png").await;

    // A rejected example opens the verifier on its error; step back and forth.
    pick_example(&c, "reject-packet-bounds").await;
    let text = result_text(&c, "Rejected by the verifier").await;
    assert!(
        text.contains("Rejected by the verifier"),
        "result panel says {text:?}"
    );
    c.find(Locator::Css("#tab-verifier"))
        .await
        .expect("Verifier tab")
        .click()
        .await
        .expect("open Verifier");
    let verifier = text_of(&c, "#verifier").await;
    assert!(
        verifier.contains("invalid access to packet"),
        "verifier panel says {verifier:?}"
    );
    let at_error = text_of(&c, "#step-count").await;
    c.find(Locator::Css("#step-back"))
        .await
        .expect("Back")
        .click()
        .await
        .expect("step back");
    let back = text_of(&c, "#step-count").await;
    assert_ne!(at_error, back, "stepping back changes the step");
    c.find(Locator::Css("#step-forward"))
        .await
        .expect("Forward")
        .click()
        .await
        .expect("step forward");
    assert_eq!(text_of(&c, "#step-count").await, at_error);
    screenshot(&c, "verifier-error.png").await;

    // Share: the link holds the workspace; a fresh browser profile opens it.
    c.find(Locator::Css("#share-button"))
        .await
        .expect("Share")
        .click()
        .await
        .expect("share");
    let url = c.current_url().await.expect("current URL").to_string();
    assert!(
        url.contains("#w1="),
        "the address bar holds the link: {url}"
    );
    c.close().await.expect("close the session");

    let fresh = driver.session().await;
    fresh.goto(&url).await.expect("open the shared link");
    let editor = fresh
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(EDITOR))
        .await
        .expect("the editor appears");
    let source = editor
        .prop("value")
        .await
        .expect("editor value")
        .unwrap_or_default();
    assert!(
        source.contains("no bounds check"),
        "the shared source is restored: {source:?}"
    );
    let text = result_text(&fresh, "Rejected by the verifier").await;
    assert!(
        text.contains("Rejected by the verifier"),
        "and run: {text:?}"
    );
    screenshot(&fresh, "shared-link.png").await;
    fresh.close().await.expect("close the session");
}
