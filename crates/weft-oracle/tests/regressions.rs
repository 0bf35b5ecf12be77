//! The regression scenarios in tests/regressions/: programs on which an
//! oracle once caught weft out. The engines must agree on each, and each
//! must match its `expect` (which states what CPython shows).

use std::path::{Path, PathBuf};

use weft_check::{check_file, CheckOptions, Verdict};
use weft_oracle::engines::{default_vs_reference, Agreement, Limits};

fn regressions() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/regressions");
    weft_oracle::scenario_files(&[dir])
}

#[test]
fn engines_agree_on_regressions() {
    for path in regressions() {
        let (scenario, program) =
            weft_check::load(&path).unwrap_or_else(|d| panic!("{}: {}", path.display(), d.message));
        let (_, _, a) = default_vs_reference(&scenario, &program, Limits::default());
        assert!(matches!(a, Agreement::Agree), "{}: {a:?}", path.display());
    }
}

/// An open regression (not fixed yet) is marked `#[ignore = "open: FILE"]` here.
#[test]
fn regressions_match_expect() {
    for path in regressions() {
        let r = check_file(&path, &CheckOptions::default());
        assert_eq!(r.verdict, Verdict::Pass, "{}", path.display());
    }
}
