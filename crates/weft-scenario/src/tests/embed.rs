//! Program and expression texts map back to their YAML lines and columns.

use super::*;

/// (line, col) in the YAML of the first occurrence of `needle` in the program.
fn at(s: &weft_diag::Embedded, needle: &str) -> (u32, u32) {
    let off = s
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {:?}", s.text));
    s.file_line_col(off as u32)
}

#[test]
fn literal_block_maps_every_line() {
    let yaml =
        "name: t\nprogram: |\n  import threading\n  def work():\n      x = undefined\n\n  y = 2\n";
    let s = ok(yaml);
    assert_eq!(
        s.program.text,
        "import threading\ndef work():\n    x = undefined\n\ny = 2\n"
    );
    assert_eq!(at(&s.program, "import"), (3, 3));
    assert_eq!(at(&s.program, "undefined"), (5, 11));
    assert_eq!(at(&s.program, "y = 2"), (7, 3));
    // A Python error on program line 3 lands on YAML line 5.
    let line3 = s.program.text.find("    x").unwrap() as u32;
    assert_eq!(s.program.program_line(line3), 3);
    let d = s.program.error(
        weft_diag::Span::new(line3 as usize + 8, line3 as usize + 17),
        "name 'undefined' is not defined",
    );
    assert_eq!(d.location(), "x.yaml:5:11");
    assert!(d.render(false).contains("x = undefined"));
}

#[test]
fn chomping_and_indentation_indicators() {
    for header in ["|", "|-", "|+", "|2", "|2-", "|-2", "|+2", "| # a comment"] {
        let yaml = format!("name: t\nprogram: {header}\n  a = 1\n  b = c\n\nexpect: clean\n");
        let s = ok(&yaml);
        assert!(
            s.program.text.starts_with("a = 1\nb = c"),
            "{header}: {:?}",
            s.program.text
        );
        assert_eq!(at(&s.program, "c"), (4, 7), "{header}");
    }
    // An explicit indicator keeps extra indentation in the text.
    let s = ok("name: t\nprogram: |1\n   a = 1\n  b = 2\n");
    assert_eq!(s.program.text, "  a = 1\n b = 2\n");
    assert_eq!(at(&s.program, "a"), (3, 4));
    assert_eq!(at(&s.program, "b"), (4, 3));
}

#[test]
fn leading_blank_lines_and_deeper_nesting() {
    let s = ok("name: t\nprogram: |\n\n    a = 1\n    b = 2\n");
    assert_eq!(s.program.text, "\na = 1\nb = 2\n");
    assert_eq!(at(&s.program, "b"), (5, 5));
    let s = ok("name: t\nprogram: x\nfinal:\n  - |\n    a and\n    b\n  - >-\n    c\n");
    assert_eq!(s.finals[0].text.text, "a and\nb\n");
    assert_eq!(at(&s.finals[0].text, "b"), (6, 5));
    assert_eq!(s.finals[1].text.text, "c");
    assert_eq!(at(&s.finals[1].text, "c"), (8, 5));
}

#[test]
fn single_line_scalars_map_to_their_position() {
    let s = ok("name: t\nprogram: \"x = 1\"\nfinal: ['a == 1', b == 2]\n");
    assert_eq!(at(&s.program, "1"), (2, 15));
    assert_eq!(at(&s.finals[0].text, "1"), (3, 15));
    assert_eq!(at(&s.finals[1].text, "2"), (3, 24));
    let s = ok("name: t\nprogram: x = é + y\n");
    assert_eq!(at(&s.program, "y"), (2, 18));
}

#[test]
fn folded_and_escaped_scalars_fall_back_to_the_scalar_start() {
    let s = ok("name: t\nprogram: >\n  a = 1\n  b = 2\n\n  c = 3\n");
    assert_eq!(s.program.text, "a = 1 b = 2\nc = 3\n");
    assert_eq!(s.program.file_line_col(0).0, 3);
    let s = ok("name: t\nprogram: \"a = 1\\nb = 2\"\n");
    assert_eq!(s.program.text, "a = 1\nb = 2");
    let b = s.program.text.find('b').unwrap() as u32;
    assert_eq!(s.program.file_line_col(b).0, 2);
}

#[test]
fn check_spans_point_at_the_scalar() {
    let s = ok("name: t\nprogram: x\ninvariants:\n  - x >= 0\n  - y\n");
    assert_eq!(s.file.line_col(s.invariants[1].span.start), (5, 5));
    assert_eq!(at(&s.invariants[0].text, "0"), (4, 10));
}
