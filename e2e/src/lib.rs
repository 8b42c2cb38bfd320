//! Harness for the end-to-end tests in `tests/`: serves a built `dist/` on
//! 127.0.0.1, starts ChromeDriver, and opens a headless Chromium session.
//!
//! The tests are `#[ignore]`d because they need a release `trunk build` and
//! Chromium; `cargo xtask test` builds both and runs them with `--ignored`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

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

/// A running ChromeDriver, killed on drop.
pub struct Driver {
    child: Child,
    /// The WebDriver URL.
    pub url: String,
}

impl Driver {
    /// Starts ChromeDriver (`CHROMEDRIVER`, else /usr/bin/chromedriver) on a
    /// free loopback port and waits until it accepts connections.
    pub fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("find a free port")
            .port();
        let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let child = Command::new(&bin)
            .arg(format!("--port={port}"))
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
        }
    }

    /// Opens a headless Chromium session with a fresh profile.
    pub async fn session(&self) -> fantoccini::Client {
        self.session_with_args(&[]).await
    }

    /// Opens a headless Chromium session in `profile` (its own
    /// `--user-data-dir`: local storage and everything else start empty).
    pub async fn session_in(&self, profile: &Profile) -> fantoccini::Client {
        let arg = format!("--user-data-dir={}", profile.dir.display());
        self.session_with_args(&[arg.as_str()]).await
    }

    async fn session_with_args(&self, extra: &[&str]) -> fantoccini::Client {
        let mut args: Vec<&str> = CHROMIUM_ARGS.to_vec();
        args.extend_from_slice(extra);
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": "/usr/bin/chromium", "args": args }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        fantoccini::ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("open a Chromium session through chromedriver")
    }
}

/// An empty Chromium profile directory, removed on drop: a browser that
/// has never seen the playground.
pub struct Profile {
    /// The directory.
    pub dir: PathBuf,
}

impl Profile {
    /// A new, empty profile directory under the system's temporary directory.
    pub fn fresh(name: &str) -> Profile {
        let dir = std::env::temp_dir().join(format!(
            "bpfplay-e2e-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a profile directory");
        Profile { dir }
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
