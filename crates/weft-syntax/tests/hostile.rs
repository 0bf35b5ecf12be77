//! Hostile inputs: deep nesting, huge inputs, garbage. Never panic, never
//! recurse without bound, stay linear.
mod common;
use common::*;
use std::time::{Duration, Instant};
use weft_diag::Embedded;
use weft_syntax::*;

const TOO_DEEP: &str = "too deeply nested (limit 200)";

fn result(src: &str) -> Result<Module, String> {
    parse_module(&Embedded::detached("t.py", src)).map_err(|d| d.message)
}

/// Run on a thread with a small stack, as a grading worker might.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn hundred_thousand_open_parens() {
    let src = format!("x = {}", "(".repeat(100_000));
    assert_eq!(result(&src).unwrap_err(), TOO_DEEP);
    let src = format!("x = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    assert_eq!(result(&src).unwrap_err(), TOO_DEEP);
    let src = format!("x = {}", "[".repeat(100_000));
    assert_eq!(result(&src).unwrap_err(), TOO_DEEP);
}

#[test]
fn nesting_up_to_the_limit_parses_on_a_small_stack() {
    on_small_stack(|| {
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("f(", ")"),
            ("{1: ", "}"),
            ("x[", "]"),
            ("[i for i in ", "]"),
        ] {
            let src = format!("x = {}1{}", open.repeat(190), close.repeat(190));
            assert!(result(&src).is_ok(), "{open}: {:?}", result(&src).err());
        }
        let src = format!("x = {}1", "-".repeat(190));
        assert!(result(&src).is_ok());
        let src = format!("x = {}1", "not ".repeat(190));
        assert!(result(&src).is_ok());
        let src = format!("x = {}1", "lambda: ".repeat(150));
        assert!(result(&src).is_ok());
    });
}

#[test]
fn deep_prefix_operators_and_power_chains() {
    on_small_stack(|| {
        for unit in [
            "-",
            "not ",
            "~",
            "lambda: ",
            "2 ** ",
            "a if b else ",
            "await ",
        ] {
            let src = format!("x = {}1", unit.repeat(100_000));
            let e = result(&src).unwrap_err();
            assert!(e == TOO_DEEP || e.contains("not supported"), "{unit}: {e}");
        }
    });
}

#[test]
fn long_left_associative_chains_are_capped() {
    on_small_stack(|| {
        for op in [" + ", " * ", ".", "(1)", "[0]"] {
            let sep = if op.starts_with(' ') { op } else { "" };
            let src = match op {
                "." => format!("x = a{}", ".b".repeat(100_000)),
                "(1)" | "[0]" => format!("x = f{}", op.repeat(100_000)),
                _ => format!("x = {}", vec!["a"; 100_000].join(sep)),
            };
            assert_eq!(result(&src).unwrap_err(), TOO_DEEP, "{op}");
        }
        // Flat chains are fine at any length.
        let src = format!("x = {}", vec!["a"; 100_000].join(" and "));
        assert!(result(&src).is_ok());
        let src = format!("x = {}", vec!["a"; 100_000].join(" < "));
        assert!(result(&src).is_ok());
        let src = format!("x = [{}]", vec!["1"; 100_000].join(", "));
        assert!(result(&src).is_ok());
        // But a moderate sum is fine.
        let src = format!("x = {}", vec!["a"; 150].join(" + "));
        assert!(result(&src).is_ok());
    });
}

#[test]
fn deeply_nested_blocks() {
    on_small_stack(|| {
        let mut src = String::new();
        for i in 0..2000usize {
            src.push_str(&" ".repeat(i));
            src.push_str("if x:\n");
        }
        src.push_str(&" ".repeat(2000));
        src.push_str("pass\n");
        assert_eq!(result(&src).unwrap_err(), TOO_DEEP);
        // One-line bodies nest too: `if x: if y:` is invalid, so use blocks of
        // tabs, which are cheap to write deeply.
        let mut src = String::new();
        for i in 0..100_000usize {
            src.push_str(&"\t".repeat(i.min(300)));
            src.push_str("while x:\n");
        }
        assert_eq!(result(&src).unwrap_err(), TOO_DEEP);

        let mut src = String::new();
        for i in 0..150usize {
            src.push_str(&" ".repeat(i));
            src.push_str(if i % 2 == 0 {
                "while x:\n"
            } else {
                "with a:\n"
            });
        }
        src.push_str(&" ".repeat(150));
        src.push_str("break\n");
        assert!(result(&src).is_ok(), "{:?}", result(&src).err());
    });
}

#[test]
fn long_elif_chains_are_capped() {
    on_small_stack(|| {
        let mut src = String::from("if a:\n    pass\n");
        for _ in 0..100_000 {
            src.push_str("elif b:\n    pass\n");
        }
        assert_eq!(result(&src).unwrap_err(), TOO_DEEP);
        let mut src = String::from("if a:\n    pass\n");
        for _ in 0..100 {
            src.push_str("elif b:\n    pass\n");
        }
        src.push_str("else:\n    pass\n");
        assert!(result(&src).is_ok());
    });
}

#[test]
fn nested_fstrings_share_the_depth_limit() {
    on_small_stack(|| {
        let src = format!("x = f'{{{}1{}}}'", "(".repeat(300), ")".repeat(300));
        assert_eq!(result(&src).unwrap_err(), TOO_DEEP);
        assert_eq!(m("x = f'{f\"{1}\"}'"), "(= x (f {(f {1})}))");
    });
}

fn timed(src: &str) -> Duration {
    let t = Instant::now();
    let _ = result(src);
    t.elapsed()
}

#[test]
fn large_inputs_are_linear() {
    // 10 MB in a release build (about 0.3 s); unoptimised builds are ~10x
    // slower, so they check 1 MB. The time bound only catches a hang or a
    // quadratic blow-up (speed itself is measured in benchmarks, not here).
    let (mb, limit) = if cfg!(debug_assertions) {
        (1, 60)
    } else {
        (10, 30)
    };
    let unit = "def producer(n):\n    global produced\n    for i in range(n):\n        with cond:\n            while len(buffer) >= BUFFER_SIZE:\n                cond.wait()  # wait for room\n            buffer.append(i)\n            x = foo(a, b[1], c.d) + 2 * (e - f) if g else [h for h in i]\n    assert consumed <= produced, f\"consumed {consumed} > produced {produced}\"\n\n";
    let src = unit.repeat((mb << 20) / unit.len());
    let m = result(&src).unwrap();
    assert_eq!(m.body.len(), (mb << 20) / unit.len());
    assert!(timed(&src) < Duration::from_secs(limit));
    // Hostile shapes, each failing or passing quickly.
    let n = mb << 20;
    for s in [
        "(".repeat(n),
        "x".repeat(n),
        "'".repeat(n),
        format!("x = '{}", "a".repeat(n)),
        format!("x = \"\"\"{}", "a\n".repeat(n / 2)),
        "\n".repeat(n),
        "# c\n".repeat(n / 4),
        format!("x = [{}", "1,\n".repeat(n / 3)),
        format!("x = 1 +\n{}", "(".repeat(n / 10)),
        "f'{x}'".repeat(n / 6),
        "a = 1; ".repeat(n / 7),
        "\t".repeat(n),
    ] {
        assert!(timed(&s) < Duration::from_secs(limit), "{}", &s[..20]);
    }
}

#[test]
fn garbage_never_panics() {
    // A small deterministic fuzzer: random tokens and bytes.
    let pieces = [
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        "=",
        "\n",
        "    ",
        "\t",
        "if",
        "else",
        "for",
        "in",
        "x",
        "1",
        "'a'",
        "f'{",
        "}'",
        "\"",
        "'''",
        "\\",
        "#",
        "lambda",
        "*",
        "**",
        ".",
        "é",
        "😀",
        "\r",
        ";",
        "def",
        "class",
        "@",
        "not",
        "yield",
        "0x",
        "1e",
        "_",
        "f'{x!r:>3}'",
        "b'",
        "rf'\\",
        "\u{feff}",
        ":=",
        "->",
        "...",
        "async",
        "await",
        "try",
        "except",
        "with",
        "as",
        "\0",
        "\x0c",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..4_000 {
        let n = (next() % 30) as usize;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            if next() % 3 == 0 {
                s.push(' ');
            }
        }
        if let Err(d) = parse_module(&Embedded::detached("t.py", &s)) {
            let _ = d.render(false);
            assert!(!d.message.is_empty());
        }
        if let Err(d) = parse_expression(&Embedded::detached("t.py", &s)) {
            let _ = d.render(false);
        }
    }
}

#[test]
fn every_prefix_of_a_real_program_fails_cleanly_or_parses() {
    let src = "import threading\nlock = threading.Lock()\nd = {'a': [1, 2.5]}\n\ndef f(a, b=1):\n    global n\n    with lock:\n        n += f\"{a!r:>3}\" if b else -a ** 2\n    try:\n        x = d['a'][1:]\n    except (KeyError, IndexError) as e:\n        raise\n    finally:\n        pass\n    return [i for i in range(3) if i]\n";
    for (i, _) in src.char_indices() {
        let _ = result(&src[..i]);
        let _ = result(&src[i..]);
    }
    assert!(result(src).is_ok());
}
