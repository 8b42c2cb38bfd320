//! End-to-end on the release build: the batch run's web worker loads the
//! page's own wasm from dist/ and counts verdicts; the Maps tab of the
//! load balancer shows its backends and the run's changes. Run by
//! `cargo xtask test`.

use std::time::Duration;

use e2e::{dist_dir, screenshot_dir, serve_static, Driver};
use fantoccini::{Client, Locator};

async fn click(c: &Client, selector: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(selector))
        .await
        .unwrap_or_else(|_| panic!("{selector} appears"))
        .click()
        .await
        .unwrap_or_else(|_| panic!("click {selector}"));
}

async fn text_until(c: &Client, selector: &str, wanted: &str) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        if let Ok(e) = c.find(Locator::Css(selector)).await {
            last = e.text().await.unwrap_or_default();
            if last.contains(wanted) {
                break;
            }
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
async fn the_batch_worker_runs_in_the_release_build() {
    let base = serve_static(dist_dir());
    let driver = Driver::start();
    let c = driver.session().await;
    c.goto(&base).await.expect("open the playground");
    // The DNS-dropping example over two packets: the sample and a new one
    // (both UDP to port 53).
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#example-select"))
        .await
        .expect("the gallery appears");
    c.execute(
        "const s = document.querySelector('#example-select'); s.value = 'xdp-drop-dns'; \
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .expect("pick an example");
    click(&c, "#tab-packet").await;
    click(&c, "#packet-add").await;
    click(&c, "#batch-run").await;
    let batch = text_until(&c, ".batch", "2 / 2 packets").await;
    assert!(
        batch.contains("2 / 2 packets"),
        "the worker finished: {batch:?}"
    );
    let chart = c
        .find(Locator::Css("#batch-chart"))
        .await
        .expect("the verdict chart")
        .attr("aria-label")
        .await
        .expect("its label")
        .unwrap_or_default();
    assert_eq!(chart, "XDP_DROP: 2", "both go to port 53: {batch:?}");
    screenshot(&c, "batch-run.png").await;
    c.close().await.expect("close the session");
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a release trunk build and Chromium: run `cargo xtask test`"]
async fn the_maps_tab_shows_entries_before_and_after_the_run() {
    let base = serve_static(dist_dir());
    let driver = Driver::start();
    let c = driver.session().await;
    c.goto(&base).await.expect("open the playground");
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#example-select"))
        .await
        .expect("the gallery appears");
    c.execute(
        "const s = document.querySelector('#example-select'); s.value = 'proto-counter'; \
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .expect("pick an example");
    click(&c, "#tab-maps").await;
    let maps = text_until(&c, ".maps", "After the run").await;
    assert!(maps.contains("Before the run"), "{maps:?}");
    assert!(
        maps.contains("1 changed") || maps.contains("1 added"),
        "{maps:?}"
    );
    screenshot(&c, "maps-panel.png").await;
    c.close().await.expect("close the session");
}
