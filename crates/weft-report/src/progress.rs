//! The progress line: on a terminal (stderr), for explorations that run
//! longer than about a second, one line redrawn in place with the states
//! stored, the rate, the depth, the frontier and the memory estimate.
//! Nothing is drawn when stderr is not a terminal or under CI (`CI` set).

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use weft_check::{Progress, ProgressHook};

/// Runs shorter than this never show a line.
pub const DELAY: Duration = Duration::from_secs(1);

/// Whether a progress line should be drawn: stderr is a terminal and `CI` is unset.
pub fn wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none_or(|v| v.is_empty())
}

#[derive(Default)]
struct State {
    name: String,
    shown: bool,
}

/// One progress line shared by the scenarios of a run.
#[derive(Clone, Default)]
pub struct ProgressLine {
    state: Arc<Mutex<State>>,
    color: bool,
}

use crate::text::group_digits as group;

/// `1.2 GiB`, `340 MiB`, `12 KiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 || v >= 100.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// The text of the line (no escape codes).
pub fn line(name: &str, p: &Progress) -> String {
    let secs = p.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        (p.states as f64 / secs) as u64
    } else {
        0
    };
    format!(
        "checking {name}: {} states · {}/s · depth {} · frontier {} · {} · {secs:.1} s",
        group(p.states),
        group(rate),
        p.depth,
        group(p.frontier),
        bytes(p.estimated_bytes)
    )
}

impl ProgressLine {
    pub fn new(color: bool) -> ProgressLine {
        ProgressLine {
            state: Arc::default(),
            color,
        }
    }

    /// A new scenario starts.
    pub fn start(&self, name: &str) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.name = name.to_string();
        s.shown = false;
    }

    /// Erase the line, if one is drawn.
    pub fn finish(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            s.shown = false;
        }
    }

    /// The callback for [`weft_check::CheckOptions::progress`].
    pub fn hook(&self) -> ProgressHook {
        let me = self.clone();
        ProgressHook(Arc::new(move |p: &Progress| me.draw(p)))
    }

    fn draw(&self, p: &Progress) {
        if p.elapsed < DELAY {
            return;
        }
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let text = line(&s.name, p);
        let text = if self.color {
            format!("\x1b[2m{text}\x1b[0m")
        } else {
            text
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
        s.shown = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_line() {
        let p = Progress {
            states: 1_234_567,
            transitions: 0,
            depth: 42,
            frontier: 12_345,
            estimated_bytes: 3 * 1024 * 1024 * 1024 / 2,
            elapsed: Duration::from_secs(2),
        };
        assert_eq!(
            line("x", &p),
            "checking x: 1,234,567 states · 617,283/s · depth 42 · frontier 12,345 · 1.5 GiB · 2.0 s"
        );
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(340 * 1024 * 1024), "340 MiB");
    }
}
