//! `weft report`: the HTML page is self-contained and, rendered by headless
//! Chromium, shows the verdict, the findings and a swimlane per thread.
//!
//! Chromium is Debian's `chromium`; when it is missing and the test runs as
//! root, it is installed with apt-get. Without it the browser checks are
//! skipped with a visible message (the static checks still run).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use weft_report::html;

fn find_chromium() -> Option<PathBuf> {
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Chromium, installed from Debian's mirror if missing and we are root.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = find_chromium() {
        return Some(p);
    }
    if is_root() {
        eprintln!("chromium not found; installing it with apt-get (root)");
        let install = || {
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "chromium"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .is_ok_and(|s| s.success())
        };
        if !install() {
            let _ = Command::new("apt-get").args(["update", "-qq"]).status();
            install();
        }
    }
    find_chromium()
}

fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// The page's file, its text, and the number of threads of each counterexample.
fn page(dir: &Path, scenario: &str) -> (PathBuf, String, String) {
    let r = common::check_one(scenario);
    let text = html::render(&r, false);
    let path = dir.join(scenario.replace(".yaml", ".html"));
    std::fs::write(&path, &text).unwrap();
    let lanes: Vec<String> = r
        .checked
        .iter()
        .flat_map(|c| &c.findings)
        .filter_map(|f| f.trace.as_ref())
        .map(|t| weft_report::common::threads(t).len().to_string())
        .collect();
    (path, text, lanes.join(","))
}

#[test]
fn the_page_is_self_contained() {
    let dir = common::TempDir::new("html-static");
    let (_, text, _) = page(dir.path(), "counter-unlocked.yaml");
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(!text.contains("<link"), "no external stylesheet");
    assert!(!text.contains(" src="), "no external script or image");
    assert!(!text.contains("url("), "no fetched CSS resources");
    assert!(text.contains("<style>") && text.contains("<script>"));
    assert!(text.contains("weft replay"));
    // Same input, same page (timings off).
    let (_, again, _) = page(dir.path(), "counter-unlocked.yaml");
    assert_eq!(text, again);
}

#[test]
fn chromium_renders_swimlanes_and_findings() {
    let Some(chromium) = chromium() else {
        eprintln!("SKIPPED: chromium not found and could not be installed; the HTML report was not rendered in a browser");
        return;
    };
    let dir = common::TempDir::new("html");
    let profile = dir.path().join("profile");
    for (scenario, findings, must) in [
        (
            "lock-order-two-locks.yaml",
            "2",
            vec![
                "no thread can move and the program has not ended",
                "lock-order cycle: lock_a → lock_b → lock_a",
                "blocks: lock_a.acquire() (held by Thread-1 (transfer_a_to_b))",
                "Thread-2 (transfer_b_to_a)",
            ],
        ),
        (
            "counter-unlocked.yaml",
            "2",
            vec![
                "data race on counter (lost update)",
                "read counter → 1",
                "write counter ← 1",
            ],
        ),
    ] {
        let (path, _, lanes) = page(dir.path(), scenario);
        assert!(lanes.starts_with('3'), "{lanes}");
        let out = headless(&chromium, &profile)
            .arg("--dump-dom")
            .arg(format!("file://{}", path.display()))
            .output()
            .expect("chromium runs");
        let dom = String::from_utf8_lossy(&out.stdout);
        assert!(
            dom.contains("</html>"),
            "no DOM from chromium: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The inline script ran and counted what is on the page.
        assert!(
            dom.contains(&format!("data-findings=\"{findings}\"")),
            "{scenario}: findings"
        );
        assert!(
            dom.contains(&format!("data-lanes=\"{lanes}\"")),
            "{scenario}: lanes"
        );
        assert!(dom.contains("class=\"swimlanes\""));
        assert!(dom.contains("<th class=\"lane-head\" data-thread=\"0\">MainThread</th>"));
        assert!(
            dom.contains("<tr class=\"step hl"),
            "{scenario}: highlighted steps"
        );
        assert!(dom.contains("id=\"verdict\">PASS<"));
        for m in must {
            let m = m
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert!(dom.contains(&m), "{scenario}: {m} not on the page");
        }
        let shot = dir.path().join(scenario.replace(".yaml", ".png"));
        let status = headless(&chromium, &profile)
            .arg("--window-size=1280,1400")
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", path.display()))
            .output()
            .expect("chromium runs");
        let png = std::fs::read(&shot).unwrap_or_else(|_| {
            panic!("no screenshot: {}", String::from_utf8_lossy(&status.stderr))
        });
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "a real picture"
        );
        if scenario.starts_with("lock-order")
            && std::env::var_os("WEFT_UPDATE_SCREENSHOT").is_some()
        {
            std::fs::copy(&shot, common::repo().join("docs/report-screenshot.png")).unwrap();
        }
    }
}
