//! Unit tests: every key, every error (message and `file:line:col`), the
//! program line mapping, `file:` and `.py` loading, hostile inputs.

use std::path::{Path, PathBuf};

use weft_diag::Diagnostic;

use crate::{load_str, Scenario};

mod embed;
mod errors;
mod files;
mod hostile;
mod keys;

pub const HEAD: &str = "name: t\nprogram: |\n  x = 1\n";

pub fn ok(yaml: &str) -> Scenario {
    match load_str(Path::new("x.yaml"), yaml) {
        Ok(s) => s,
        Err(d) => panic!("unexpected error: {d}\n{}", d.render(false)),
    }
}

pub fn err(yaml: &str) -> Diagnostic {
    match load_str(Path::new("x.yaml"), yaml) {
        Ok(s) => panic!("expected an error, got {s:#?}"),
        Err(d) => d,
    }
}

/// Assert that `yaml` fails with a message containing `msg` at `loc`.
#[track_caller]
pub fn assert_err(yaml: &str, msg: &str, loc: &str) -> Diagnostic {
    let d = err(yaml);
    assert!(
        d.message.contains(msg),
        "message {:?} lacks {msg:?}",
        d.message
    );
    assert_eq!(d.location(), loc, "for {:?}", d.message);
    d
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "weft-scenario-test-{}-{tag}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
