//! End-to-end on the release build: the batch run's web worker loads the
//! page's own wasm from dist/ and counts verdicts; the Maps tab shows the
//! counter's entries before and after the run, and the load balancer's
//! backends. Run by
//! `cargo xtask test`.

use e2e::Page;

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a release trunk build and Chromium: run `cargo xtask test`"]
async fn the_batch_worker_runs_in_the_release_build() {
    let page = Page::start().await;
    // The DNS-dropping example over two packets: the sample and a new one
    // (both UDP to port 53).
    page.example_in("xdp-drop-dns", "packet").await;
    page.click("#packet-add").await;
    page.wait_text(".packet-heading", "Packet 2").await;
    page.click("#batch-run").await;
    let batch = page.wait_text(".batch", "2 / 2 packets").await;
    let chart = page
        .wait_for("#batch-chart")
        .await
        .attr("aria-label")
        .await
        .expect("its label")
        .unwrap_or_default();
    assert_eq!(chart, "XDP_DROP: 2", "both go to port 53: {batch:?}");
    // The results, not the packet list above them.
    page.js(
        "document.getElementById('batch-chart').scrollIntoView({ block: 'start' });",
        vec![],
    )
    .await;
    page.screenshot("batch-run.png").await;
    page.close().await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs a release trunk build and Chromium: run `cargo xtask test`"]
async fn the_maps_tab_shows_entries_before_and_after_the_run() {
    let page = Page::start().await;
    page.example_in("proto-counter", "maps").await;
    let maps = page.wait_text(".maps", "After the run").await;
    assert!(maps.contains("Before the run"), "{maps:?}");
    assert!(
        maps.contains("1 changed") || maps.contains("1 added"),
        "{maps:?}"
    );
    // maps.png (e2e.rs) shows the counter; this one the load balancer's
    // backends, put in by its `.entry` lines.
    page.example_in("load-balancer", "maps").await;
    let maps = page.wait_text(".maps", "backends").await;
    assert!(maps.contains("Before the run"), "{maps:?}");
    page.screenshot("maps-panel.png").await;
    page.close().await;
}
