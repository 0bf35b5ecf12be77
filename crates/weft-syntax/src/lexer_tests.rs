//! Token-level tests of the lexer.

use crate::lexer::{Kw, Lexer, Tok};

fn toks(src: &str) -> Vec<String> {
    let mut lx = Lexer::new(src, 0, src.len(), false);
    let mut out = Vec::new();
    loop {
        let t = lx.next_token();
        let s = match &t.tok {
            Tok::Name(n) => n.clone(),
            Tok::Kw(k) => k.as_str().to_string(),
            Tok::Int(i) => i.to_string(),
            Tok::Float(f) => format!("{f:?}"),
            Tok::Str(s) => format!("{s:?}"),
            Tok::FStr { content, raw } => format!(
                "f{}{:?}",
                if *raw { "r" } else { "" },
                &src[content.start as usize..content.end as usize]
            ),
            Tok::Op(o) => o.to_string(),
            Tok::Newline => "NL".into(),
            Tok::Indent => "IN".into(),
            Tok::Dedent => "DE".into(),
            Tok::End => break,
            Tok::Error => format!("ERR({})", lx.error.as_ref().map_or("", |e| e.1.as_str())),
        };
        let stop = t.tok == Tok::Error;
        out.push(s);
        if stop {
            break;
        }
    }
    out
}

#[test]
fn indentation_produces_indent_and_dedent() {
    assert_eq!(
        toks("if a:\n    b\n    if c:\n        d\ne\n"),
        [
            "if", "a", ":", "NL", "IN", "b", "NL", "if", "c", ":", "NL", "IN", "d", "NL", "DE",
            "DE", "e", "NL"
        ]
    );
    // Dedents at the end of input, with no trailing newline.
    assert_eq!(
        toks("if a:\n  b"),
        ["if", "a", ":", "NL", "IN", "b", "NL", "DE"]
    );
    // Blank and comment lines do not count.
    assert_eq!(toks("a\n\n   # x\n  \nb\n"), ["a", "NL", "b", "NL"]);
}

#[test]
fn brackets_and_backslashes_join_lines() {
    assert_eq!(
        toks("x = (1,\n    2)\n"),
        ["x", "=", "(", "1", ",", "2", ")", "NL"]
    );
    assert_eq!(toks("x = 1 + \\\n  2\n"), ["x", "=", "1", "+", "2", "NL"]);
}

#[test]
fn operators_use_longest_match() {
    assert_eq!(
        toks("a **= b // c ... -> :="),
        ["a", "**=", "b", "//", "c", "...", "->", ":=", "NL"]
    );
    assert_eq!(
        toks("a<<=b>>c!=d"),
        ["a", "<<=", "b", ">>", "c", "!=", "d", "NL"]
    );
}

#[test]
fn string_prefixes() {
    assert_eq!(
        toks("f'{x}' rf'\\d' Fr\"a\""),
        ["f\"{x}\"", "fr\"\\\\d\"", "fr\"a\"", "NL"]
    );
    assert_eq!(toks("r'\\n' u'a'"), ["\"\\\\n\"", "\"a\"", "NL"]);
    assert_eq!(toks("b'x'"), ["ERR(bytes literals are not supported)"]);
    // A name that merely looks like a prefix.
    assert_eq!(toks("rb = fr"), ["rb", "=", "fr", "NL"]);
}

#[test]
fn keywords_and_soft_keywords() {
    assert_eq!(Kw::from_name("lambda"), Some(Kw::Lambda));
    assert_eq!(Kw::from_name("match"), None);
    assert_eq!(toks("not in is"), ["not", "in", "is", "NL"]);
}

#[test]
fn expression_mode_has_no_line_structure() {
    let src = "  a\n  +\n b  ";
    let mut lx = Lexer::new(src, 0, src.len(), true);
    let kinds: Vec<Tok> = std::iter::from_fn(|| Some(lx.next_token().tok))
        .take(4)
        .collect();
    assert_eq!(
        kinds,
        [
            Tok::Name("a".into()),
            Tok::Op("+"),
            Tok::Name("b".into()),
            Tok::End
        ]
    );
}
