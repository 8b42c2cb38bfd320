//! Harness for the end-to-end tests in `tests/`: serves a built `dist/` on
//! 127.0.0.1, starts ChromeDriver, opens headless Chromium sessions, and
//! drives a page with the steps the tests share ([`Page`]).
//!
//! The tests are `#[ignore]`d because they need a release `trunk build` and
//! Chromium; `cargo xtask test` builds both and runs them with `--ignored`.
//!
//! Nothing is left behind: each session's Chromium profile and every
//! temporary file of ChromeDriver and Chromium live in one directory that
//! the [`Driver`] removes when dropped, after it has stopped ChromeDriver
//! and any browser it started, also when a test failed.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::json;

/// How long a step waits for the page before it fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// Chromium flags for a closed network: without the background-networking
/// ones Chromium stalls on connections this machine refuses.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,900",
];

/// The built site, from `E2E_DIST` (set by `cargo xtask test`).
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("E2E_DIST")
        .map(PathBuf::from)
        .expect("E2E_DIST is not set: run these tests through `cargo xtask test`");
    assert!(
        dir.join("index.html").is_file(),
        "{} has no index.html: run `trunk build --release` first",
        dir.display()
    );
    dir
}

/// Where screenshots go (`E2E_SCREENSHOTS`, else `target/screenshots`).
pub fn screenshot_dir() -> PathBuf {
    let dir = std::env::var_os("E2E_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots"));
    std::fs::create_dir_all(&dir).expect("create the screenshot directory");
    dir
}

/// Serves `root` over HTTP/1.1 on an ephemeral loopback port, one thread per
/// connection, until the process exits. Returns the base URL.
pub fn serve_static(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            thread::spawn(move || {
                let _ = answer(stream, &root);
            });
        }
    });
    format!("http://{addr}")
}

fn answer(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Drain the headers.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let file = if rel.is_empty() || rel.contains("..") {
        root.join("index.html")
    } else {
        root.join(rel)
    };
    let (status, body) = match std::fs::read(&file) {
        Ok(body) => ("200 OK", body),
        Err(_) => ("404 Not Found", b"not found".to_vec()),
    };
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

/// A running ChromeDriver. On drop it stops ChromeDriver and every browser
/// it started (one process group), then removes the scratch directory that
/// holds their profiles and temporary files.
pub struct Driver {
    child: Child,
    /// The WebDriver URL.
    pub url: String,
    scratch: tempfile::TempDir,
    sessions: AtomicUsize,
}

impl Driver {
    /// Starts ChromeDriver (`CHROMEDRIVER`, else /usr/bin/chromedriver) on a
    /// free loopback port and waits until it accepts connections.
    pub fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("find a free port")
            .port();
        let scratch = tempfile::Builder::new()
            .prefix("bpfplay-e2e-")
            .tempdir()
            .expect("create the browsers' scratch directory");
        // ChromeDriver and Chromium put their temporary directories (the
        // default profile, the singleton socket) under TMPDIR.
        let tmp = scratch.path().join("tmp");
        std::fs::create_dir(&tmp).expect("create the browsers' TMPDIR");
        let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let child = Command::new(&bin)
            .arg(format!("--port={port}"))
            .env("TMPDIR", &tmp)
            // Its own process group, so that drop can stop the browsers too.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}; install chromium-driver"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start on port {port}"
            );
            thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            scratch,
            sessions: AtomicUsize::new(0),
        }
    }

    /// Opens a headless Chromium session in a new, empty profile (its own
    /// `--user-data-dir`): a browser that has never seen the playground.
    pub async fn session(&self) -> Client {
        let n = self.sessions.fetch_add(1, Ordering::Relaxed);
        let profile = self.scratch.path().join(format!("profile-{n}"));
        std::fs::create_dir(&profile).expect("create a profile directory");
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": "/usr/bin/chromium", "args": args }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        fantoccini::ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("open a Chromium session through chromedriver")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // A test that closed its sessions left no browser; one that failed
        // may have. SIGTERM lets Chromium shut down and remove its own
        // files; whatever still runs after 5 s is killed.
        let group = format!("-{}", self.child.id());
        let signal = |sig: &str| {
            Command::new("kill")
                .args([sig, "--", &group])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        signal("-TERM");
        let _ = self.child.wait();
        let deadline = Instant::now() + Duration::from_secs(5);
        while signal("-0") && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(50));
        }
        signal("-KILL");
        // The scratch directory (profiles, TMPDIR) goes with `self.scratch`.
    }
}

/// A browser tab on the playground, with the steps the tests repeat. Every
/// step waits for what it needs (an element, a text) up to [`WAIT`], never
/// for a fixed time.
pub struct Page {
    /// The WebDriver session.
    pub c: Client,
    base: String,
    driver: Rc<Driver>,
}

impl Page {
    /// Serves dist/, starts ChromeDriver, and opens the playground in a
    /// fresh browser.
    pub async fn start() -> Page {
        let driver = Rc::new(Driver::start());
        let page = Page {
            c: driver.session().await,
            base: serve_static(dist_dir()),
            driver,
        };
        page.goto("/").await;
        page
    }

    /// Another browser on the same site, with its own empty profile (it has
    /// never seen the playground), before any navigation.
    pub async fn another_browser(&self) -> Page {
        Page {
            c: self.driver.session().await,
            base: self.base.clone(),
            driver: self.driver.clone(),
        }
    }

    /// Goes to `path` of the served site (`/`, `/?embed=editor#w2=...`) and
    /// waits for the app to mount.
    pub async fn goto(&self, path: &str) {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("open the playground");
        self.wait_for("#run-button").await;
    }

    /// The element `selector`, once it is on the page.
    pub async fn wait_for(&self, selector: &str) -> fantoccini::elements::Element {
        self.c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("{selector} never appeared: {e}"))
    }

    /// Whether `selector` is on the page now.
    pub async fn exists(&self, selector: &str) -> bool {
        self.c.find(Locator::Css(selector)).await.is_ok()
    }

    pub async fn click(&self, selector: &str) {
        self.wait_for(selector)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {selector}: {e}"));
    }

    pub async fn text(&self, selector: &str) -> String {
        self.wait_for(selector)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {selector}: {e}"))
    }

    /// The text of `selector` once it contains `wanted`; fails after
    /// [`WAIT`] with what it says then.
    pub async fn wait_text(&self, selector: &str, wanted: &str) -> String {
        let start = Instant::now();
        let mut last = String::new();
        while start.elapsed() < WAIT {
            if let Ok(el) = self.c.find(Locator::Css(selector)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(wanted) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{selector} never said {wanted:?}; it says {last:?}");
    }

    /// Runs `script` in the page (`arguments[i]` are `args`).
    pub async fn js(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.c
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Loads an example from the gallery.
    pub async fn pick_example(&self, id: &str) {
        self.wait_for("#example-select")
            .await
            .select_by_value(id)
            .await
            .expect("choose the example");
        self.click("#example-open").await;
    }

    /// Loads an example from the gallery and opens the inspector tab `tab`.
    pub async fn example_in(&self, id: &str, tab: &str) {
        self.pick_example(id).await;
        self.tab(tab).await;
    }

    /// Types `source` into the editor as keystrokes.
    pub async fn type_program(&self, source: &str) {
        let editor = self.wait_for("#editor-input").await;
        editor.clear().await.expect("clear the editor");
        editor
            .send_keys(source)
            .await
            .expect("type into the editor");
    }

    /// Puts a long `source` in the editor at once (typing thousands of lines
    /// key by key would take minutes), as a paste would.
    pub async fn paste_program(&self, source: &str) {
        self.wait_for("#editor-input").await;
        self.js(
            "const a = document.getElementById('editor-input');
             a.value = arguments[0];
             a.dispatchEvent(new InputEvent('input', { bubbles: true }));",
            vec![json!(source)],
        )
        .await;
    }

    pub async fn run(&self) {
        self.click("#run-button").await;
    }

    /// Opens the inspector tab `name` (`packet`, `maps`, `verifier`, ...).
    pub async fn tab(&self, name: &str) {
        self.click(&format!("#tab-{name}")).await;
    }

    pub async fn step_count(&self) -> String {
        self.text("#step-count").await
    }

    /// Sends keys to the focused element (as a user pressing them).
    pub async fn press(&self, keys: &str) {
        self.c
            .active_element()
            .await
            .expect("a focused element")
            .send_keys(keys)
            .await
            .expect("press keys");
    }

    pub async fn focused_id(&self) -> String {
        self.c
            .active_element()
            .await
            .expect("a focused element")
            .attr("id")
            .await
            .expect("its id")
            .unwrap_or_default()
    }

    /// An attribute of `<html>` (the theme, the text size).
    pub async fn root_attr(&self, name: &str) -> Option<String> {
        self.js(
            "return document.documentElement.getAttribute(arguments[0]);",
            vec![json!(name)],
        )
        .await
        .as_str()
        .map(str::to_string)
    }

    /// Clicks Share and returns the link from the address bar.
    pub async fn share(&self) -> String {
        self.click("#share-button").await;
        let url = self.c.current_url().await.expect("current URL").to_string();
        assert!(
            url.contains("#w2="),
            "the address bar holds the link: {url}"
        );
        url
    }

    /// Saves a screenshot as `name` in [`screenshot_dir`], once the fonts
    /// have loaded and two frames have been drawn since the last change.
    pub async fn screenshot(&self, name: &str) {
        self.c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 document.fonts.ready.then(() =>
                   requestAnimationFrame(() => requestAnimationFrame(() => done(true))));",
                vec![],
            )
            .await
            .expect("wait for fonts and a drawn frame");
        let png = self.c.screenshot().await.expect("take a screenshot");
        let path = screenshot_dir().join(name);
        std::fs::write(&path, png).expect("save the screenshot");
        eprintln!("saved {}", path.display());
    }

    /// Closes the browser (the driver stops with the last page).
    pub async fn close(self) {
        self.c.close().await.expect("close the session");
    }
}
