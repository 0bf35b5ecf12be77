//! Shared helpers for weft's integration tests: unique temporary directories,
//! scenario builders, and running the real `weft` binary with a watchdog.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A run of `weft` that takes longer than this is killed and the test fails:
/// nothing in these tests should come anywhere near it.
pub const WATCHDOG: Duration = Duration::from_secs(60);

/// The binary under test.
pub fn weft_bin() -> &'static str {
    env!("CARGO_BIN_EXE_weft")
}

/// The workspace root (`crates/weft/../..`).
pub fn repo_root() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    p.canonicalize().unwrap_or(p)
}

/// The canonical scenarios directory of the repository.
pub fn scenarios_dir() -> PathBuf {
    repo_root().join("scenarios")
}

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub cmdline: String,
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// stdout followed by stderr.
    pub fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Everything about the run, for failure messages.
    pub fn dump(&self) -> String {
        format!(
            "$ {}\nexit code: {:?}  ({:.0?})\n--- stdout ---\n{}\n--- stderr ---\n{}\n--------------",
            self.cmdline, self.code, self.elapsed, self.stdout, self.stderr
        )
    }

    #[track_caller]
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "expected exit code {expected}\n{}",
            self.dump()
        );
        self
    }

    #[track_caller]
    pub fn assert_contains(&self, needle: &str) -> &Self {
        assert!(
            self.text().contains(needle),
            "expected the output to contain {needle:?}\n{}",
            self.dump()
        );
        self
    }

    #[track_caller]
    pub fn assert_not_contains(&self, needle: &str) -> &Self {
        assert!(
            !self.text().contains(needle),
            "expected the output NOT to contain {needle:?}\n{}",
            self.dump()
        );
        self
    }

    /// Some line of the output, with surrounding whitespace removed, equals `line`.
    pub fn has_line(&self, line: &str) -> bool {
        self.text().lines().any(|l| l.trim() == line.trim())
    }

    #[track_caller]
    pub fn assert_line(&self, line: &str) -> &Self {
        assert!(
            self.has_line(line),
            "expected a line reading exactly {line:?}\n{}",
            self.dump()
        );
        self
    }

    /// Some line of the output starts (after leading whitespace) with `prefix`.
    pub fn has_line_starting(&self, prefix: &str) -> bool {
        self.text()
            .lines()
            .any(|l| l.trim_start().starts_with(prefix))
    }

    #[track_caller]
    pub fn assert_line_starting(&self, prefix: &str) -> &Self {
        assert!(
            self.has_line_starting(prefix),
            "expected a line starting with {prefix:?}\n{}",
            self.dump()
        );
        self
    }
}

/// Runs `weft ARGS…`, capturing stdout and stderr, killing it after [`WATCHDOG`].
pub fn weft<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let cmdline = std::iter::once("weft".to_string())
        .chain(args.iter().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ");
    let start = Instant::now();
    let mut child = Command::new(weft_bin())
        .args(&args)
        .env("NO_COLOR", "1")
        .env("CLICOLOR", "0")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the weft binary");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait on weft") {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{cmdline}` did not finish within {WATCHDOG:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    Run {
        cmdline,
        code: status.code(),
        stdout,
        stderr,
        elapsed,
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "weft-itest-{}-{}-{}-{}",
            std::process::id(),
            n,
            nanos,
            tag
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `contents` to `name` inside the directory and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path.join(name);
        std::fs::write(&p, contents).expect("write temp file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Removes the common leading indentation and a leading newline, so that
/// programs can be written as indented raw strings in the tests.
pub fn dedent(s: &str) -> String {
    let s = s.strip_prefix('\n').unwrap_or(s);
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for l in s.lines() {
        if l.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str(&l[indent..]);
            out.push('\n');
        }
    }
    out
}

/// Builds a scenario YAML: `name`, the program as a literal block scalar, then
/// `rest` (other top-level keys, dedented).
pub fn yaml(name: &str, program: &str, rest: &str) -> String {
    let mut y = format!("name: {name}\nprogram: |\n");
    for l in dedent(program).lines() {
        if l.is_empty() {
            y.push('\n');
        } else {
            y.push_str("  ");
            y.push_str(l);
            y.push('\n');
        }
    }
    y.push_str(&dedent(rest));
    y
}

/// A scenario written to its own temp dir and checked with `weft check FILE`.
pub struct Checked {
    pub run: Run,
    pub file: PathBuf,
    pub source: String,
    pub dir: TempDir,
}

impl Checked {
    pub fn dump(&self) -> String {
        format!(
            "--- scenario {} ---\n{}\n{}",
            self.file.display(),
            self.source,
            self.run.dump()
        )
    }
}

/// Turns a Rust identifier into a valid scenario name (`[a-z0-9-]+`).
pub fn scenario_name(ident: &str) -> String {
    ident
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect()
}

/// Writes a YAML scenario built by [`yaml`] and runs `weft check` on it.
pub fn check(name: &str, program: &str, rest: &str) -> Checked {
    let name = scenario_name(name);
    let source = yaml(&name, program, rest);
    check_source(&name, "yaml", &source)
}

/// Writes `source` as `NAME.EXT` in a fresh temp dir and runs `weft check` on it.
pub fn check_source(name: &str, ext: &str, source: &str) -> Checked {
    let dir = TempDir::new(name);
    let file = dir.write(&format!("{name}.{ext}"), source);
    let run = weft(["check".as_ref(), file.as_os_str()]);
    Checked {
        run,
        file,
        source: source.to_string(),
        dir,
    }
}

/// Checks the scenario and asserts that it matches its `expect` (exit 0 and a
/// `PASS` line).
#[track_caller]
pub fn assert_pass(name: &str, program: &str, rest: &str) -> Checked {
    let c = check(name, program, rest);
    assert!(
        c.run.code == Some(0) && c.run.has_line_starting("PASS "),
        "expected exit 0 and a PASS line\n{}",
        c.dump()
    );
    c
}

/// Asserts a diagnostic `FILE:LINE:COL` whose source line `source_line` is shown
/// followed by a caret line whose first `^` sits under column `col`, and exit 2.
#[track_caller]
pub fn assert_diagnostic(run: &Run, file_name: &str, line: usize, col: usize, source_line: &str) {
    assert_eq!(run.code, Some(2), "expected exit code 2\n{}", run.dump());
    let loc = format!("{file_name}:{line}:{col}");
    assert!(
        run.text().contains(&loc),
        "expected the location {loc:?} in the output\n{}",
        run.dump()
    );
    let text = run.text();
    let lines: Vec<&str> = text.lines().collect();
    let src = source_line.trim_end();
    let mut found_source = false;
    for (i, l) in lines.iter().enumerate() {
        let shown = l.trim_end();
        if src.is_empty() || !shown.ends_with(src) || shown.len() == src.len() {
            continue;
        }
        found_source = true;
        let Some(caret_line) = lines.get(i + 1) else {
            continue;
        };
        let Some(caret_at) = caret_line.chars().position(|c| c == '^') else {
            continue;
        };
        let start = shown.chars().count() - src.chars().count();
        if caret_at == start + col - 1 {
            return;
        }
    }
    panic!(
        "expected the source line {src:?} shown {} and followed by a caret (^) under column {col}\n{}",
        if found_source {
            "(it is shown, but no caret is aligned under that column)"
        } else {
            "(it is not shown)"
        },
        run.dump()
    );
}

/// Replaces timing figures (`5.3 ms`, `66 ms`, `1.2 s`, `30 µs`) with `<t>`,
/// so two runs' outputs can be compared byte for byte.
pub fn strip_timings(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev_alnum = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '.');
        if c.is_ascii_digit() && !prev_alnum {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit() || chars[j] == '.' || chars[j] == ',')
            {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() && chars[k] == ' ' {
                k += 1;
            }
            let mut unit_end = None;
            for unit in ["ms", "µs", "us", "ns", "s"] {
                let u: Vec<char> = unit.chars().collect();
                if chars.len() >= k + u.len()
                    && chars[k..k + u.len()] == u[..]
                    && chars.get(k + u.len()).is_none_or(|c| !c.is_alphanumeric())
                {
                    unit_end = Some(k + u.len());
                    break;
                }
            }
            if let Some(e) = unit_end {
                out.push_str("<t>");
                i = e;
                continue;
            }
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Checks `program` with `expect: [exception: SUBJECT]`, asserts exit 0 and a
/// line of the output reading exactly `line` (surrounding whitespace aside).
#[track_caller]
pub fn assert_exception(name: &str, program: &str, subject: &str, line: &str) -> Checked {
    let c = check(
        name,
        program,
        &format!("expect:\n  - exception: {subject}\n"),
    );
    assert!(
        c.run.code == Some(0),
        "expected exit 0 (the scenario expects exactly `exception: {subject}`)\n{}",
        c.dump()
    );
    assert!(
        c.run.has_line(line),
        "expected the report to contain CPython's line {line:?}\n{}",
        c.dump()
    );
    c
}

/// Like [`assert_exception`], and the exception is raised in a worker thread
/// whose header `Exception in thread NAME` must be shown too.
#[track_caller]
pub fn assert_thread_exception(name: &str, program: &str, subject: &str, line: &str, thread: &str) {
    let c = assert_exception(name, program, subject, line);
    let header = format!("Exception in thread {thread}");
    assert!(
        c.run.text().contains(&header),
        "expected {header:?} in the report\n{}",
        c.dump()
    );
}

/// Two threads add 1 to a shared counter without a lock: a data race.
pub const RACY_COUNTER: &str = r#"
    import threading
    counter = 0
    def work():
        global counter
        counter += 1
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"#;

/// The same under a Lock: clean.
pub const LOCKED_COUNTER: &str = r#"
    import threading
    lock = threading.Lock()
    counter = 0
    def work():
        global counter
        with lock:
            counter += 1
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"#;
