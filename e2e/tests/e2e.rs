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
