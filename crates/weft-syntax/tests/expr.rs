//! Expressions: precedence, literals, displays, comprehensions, f-strings.
mod common;
use common::*;
use weft_diag::Embedded;
use weft_syntax::*;

#[test]
fn arithmetic_precedence() {
    assert_eq!(d("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(d("1 - 2 - 3"), "(- (- 1 2) 3)");
    assert_eq!(d("a / b // c % d @ e"), "(@ (% (// (/ a b) c) d) e)");
    assert_eq!(
        d("a | b ^ c & d << e + f"),
        "(| a (^ b (& c (<< d (+ e f)))))"
    );
    assert_eq!(d("a >> b << c"), "(<< (>> a b) c)");
    assert_eq!(d("(1 + 2) * 3"), "(* (+ 1 2) 3)");
}

#[test]
fn power_is_right_associative_and_binds_tighter_than_unary() {
    assert_eq!(d("2 ** 3 ** 2"), "(** 2 (** 3 2))");
    assert_eq!(d("-2 ** 2"), "(neg (** 2 2))");
    assert_eq!(d("2 ** -1"), "(** 2 (neg 1))");
    assert_eq!(d("-x.y ** 2"), "(neg (** (. x y) 2))");
    assert_eq!(d("~+-x"), "(inv (pos (neg x)))");
    assert_eq!(d("a * -b"), "(* a (neg b))");
}

#[test]
fn boolean_and_not_precedence() {
    assert_eq!(d("a or b and c"), "(or a (and b c))");
    assert_eq!(d("a and b or c and d"), "(or (and a b) (and c d))");
    assert_eq!(d("a or b or c"), "(or a b c)");
    assert_eq!(d("not a and b"), "(and (not a) b)");
    assert_eq!(d("not a == b"), "(not (cmp a == b))");
    assert_eq!(d("not not a"), "(not (not a))");
    assert_eq!(d("a if b else c"), "(if b a c)");
    assert_eq!(d("a if b else c if d else e"), "(if b a (if d c e))");
    assert_eq!(d("a or b if c and d else e"), "(if (and c d) (or a b) e)");
}

#[test]
fn chained_comparisons() {
    assert_eq!(d("a < b <= c"), "(cmp a < b <= c)");
    assert_eq!(d("a == b != c > d >= e"), "(cmp a == b != c > d >= e)");
    assert_eq!(d("x not in y"), "(cmp x not in y)");
    assert_eq!(d("x is not None"), "(cmp x is not None)");
    assert_eq!(d("x is None"), "(cmp x is None)");
    assert_eq!(
        d("0 <= i < len(a) in b"),
        "(cmp 0 <= i < (call len a) in b)"
    );
    assert_eq!(d("a + 1 < b * 2"), "(cmp (+ a 1) < (* b 2))");
    assert_eq!(d("a | b == c"), "(cmp (| a b) == c)");
}

#[test]
fn primaries() {
    assert_eq!(d("a.b.c"), "(. (. a b) c)");
    assert_eq!(d("f(x)(y)"), "(call (call f x) y)");
    assert_eq!(d("a[1][2]"), "([] ([] a 1) 2)");
    assert_eq!(
        d("obj.m(1, k=2).x[0]"),
        "([] (. (call (. obj m) 1 k=2) x) 0)"
    );
    assert_eq!(d("f()"), "(call f)");
    assert_eq!(d("f(a, b,)"), "(call f a b)");
    assert_eq!(
        d("threading.Thread(target=work, args=(1,))"),
        "(call (. threading Thread) target=work args=(tuple 1))"
    );
    assert_eq!(
        d("f(lambda: 1, x if y else z)"),
        "(call f (lambda () 1) (if y x z))"
    );
}

#[test]
fn subscripts_and_slices() {
    assert_eq!(d("d[1, 2]"), "([] d (tuple 1 2))");
    assert_eq!(d("d[1,]"), "([] d (tuple 1))");
    assert_eq!(d("a[1:2]"), "([] a (slice 1 2 _))");
    assert_eq!(d("a[:]"), "([] a (slice _ _ _))");
    assert_eq!(d("a[::2]"), "([] a (slice _ _ 2))");
    assert_eq!(d("a[::-1]"), "([] a (slice _ _ (neg 1)))");
    assert_eq!(d("a[i:]"), "([] a (slice i _ _))");
    assert_eq!(d("a[:j:]"), "([] a (slice _ j _))");
    assert_eq!(
        d("a[1:2, ::3]"),
        "([] a (tuple (slice 1 2 _) (slice _ _ 3)))"
    );
}

#[test]
fn literals() {
    assert_eq!(d("None"), "None");
    assert_eq!(d("True"), "True");
    assert_eq!(d("..."), "...");
    assert_eq!(d("0x_ff"), "255");
    assert_eq!(d("0o17"), "15");
    assert_eq!(d("0b1010"), "10");
    assert_eq!(d("1_000_000"), "1000000");
    assert_eq!(d("000"), "0");
    assert_eq!(d("9223372036854775807"), "9223372036854775807");
    assert_eq!(d("1.5"), "1.5");
    assert_eq!(d("1e3"), "1000.0");
    assert_eq!(d(".5"), "0.5");
    assert_eq!(d("1."), "1.0");
    assert_eq!(d("1_0.2_5e-1_0"), "1.025e-9");
    assert_eq!(d("2E+2"), "200.0");
}

#[test]
fn strings_and_escapes() {
    assert_eq!(d(r#"'a' "b" '''c''' """d""""#), r#""abcd""#);
    assert_eq!(d(r#"'\n\t\\\'\"'"#), r#""\n\t\\'\"""#);
    assert_eq!(d(r"'\x41\u00e9\U0001F600\101\0'"), "\"Aé😀A\\0\"");
    assert_eq!(d(r"'\d\q'"), r#""\\d\\q""#);
    assert_eq!(d(r"r'\d\n'"), r#""\\d\\n""#);
    assert_eq!(d(r#"R"a\"b""#), r#""a\\\"b""#);
    assert_eq!(d("u'x'"), r#""x""#);
    assert_eq!(d("'''a\nb'''"), r#""a\nb""#);
    assert_eq!(d("'a\\\nb'"), r#""ab""#);
    assert_eq!(d("'héllo'"), r#""héllo""#);
    assert_eq!(d("('a'\n 'b')"), r#""ab""#);
}

#[test]
fn tuples_and_displays() {
    assert_eq!(d("()"), "(tuple )");
    assert_eq!(d("(1,)"), "(tuple 1)");
    assert_eq!(d("(1, 2,)"), "(tuple 1 2)");
    assert_eq!(d("(1)"), "1");
    assert_eq!(d("[]"), "[list ]");
    assert_eq!(d("[1, [2, 3],]"), "[list 1 [list 2 3]]");
    assert_eq!(d("{}"), "(dict )");
    assert_eq!(d("{'a': 1, 'b': [2],}"), "(dict \"a\":1 \"b\":[list 2])");
    assert_eq!(d("{1, 2}"), "(set 1 2)");
    assert_eq!(d("{1}"), "(set 1)");
}

#[test]
fn list_comprehensions() {
    assert_eq!(d("[x for x in y]"), "(listcomp x (for x y))");
    assert_eq!(
        d("[x * y for x in a if x for y in b if y > 0 if y < 9]"),
        "(listcomp (* x y) (for x a (if x)) (for y b (if (cmp y > 0)) (if (cmp y < 9))))"
    );
    assert_eq!(
        d("[(i, j) for i, j in pairs]"),
        "(listcomp (tuple i j) (for (tuple i j) pairs))"
    );
    assert_eq!(
        d("[threading.Thread(target=w) for _ in range(2)]"),
        "(listcomp (call (. threading Thread) target=w) (for _ (call range 2)))"
    );
    assert_eq!(
        d("[a if c else b for c in d]"),
        "(listcomp (if c a b) (for c d))"
    );
}

#[test]
fn lambdas() {
    assert_eq!(d("lambda: 0"), "(lambda () 0)");
    assert_eq!(d("lambda x, y=2: x + y"), "(lambda (x y=2) (+ x y))");
    assert_eq!(d("lambda x: lambda y: x"), "(lambda (x) (lambda (y) x))");
}

#[test]
fn fstrings() {
    assert_eq!(d("f'a{x}b'"), r#"(f "a" {x} "b")"#);
    assert_eq!(d("f'{x!r}'"), "(f {x!r})");
    assert_eq!(d("f'{x:>10}'"), "(f {x:>10})");
    assert_eq!(d("f'{x!s:^10}'"), "(f {x!s:^10})");
    assert_eq!(d("f'{x=}'"), r#"(f {x dbg="x="})"#);
    assert_eq!(d("f'{x = !r:5}'"), r#"(f {x dbg="x = "!r:5})"#);
    assert_eq!(d("f'{{}}{{x}}'"), r#"(f "{}{x}")"#);
    assert_eq!(d("f'{a + b * 2}'"), "(f {(+ a (* b 2))})");
    assert_eq!(
        d("f'{a == b} {a != b} {a >= b}'"),
        r#"(f {(cmp a == b)} " " {(cmp a != b)} " " {(cmp a >= b)})"#
    );
    assert_eq!(d("f'{d[\"k\"]}'"), "(f {([] d \"k\")})");
    assert_eq!(d("f'{ {1: 2}[1] }'"), "(f {([] (dict 1:2) 1)})");
    assert_eq!(d("f'{x[1:2]}'"), "(f {([] x (slice 1 2 _))})");
    assert_eq!(d("f'{a, b}'"), "(f {(tuple a b)})");
    assert_eq!(d(r"f'\n{x}\t'"), r#"(f "\n" {x} "\t")"#);
    assert_eq!(d("f'\\{x}'"), r#"(f "\\" {x})"#);
    assert_eq!(d("rf'\\d{x}'"), r#"(f "\\d" {x})"#);
    assert_eq!(d("f'plain'"), r#"(f "plain")"#);
    assert_eq!(d("f''"), "(f )");
    assert_eq!(d("f'{f\"{x}\"}'"), "(f {(f {x})})");
    assert_eq!(d("f'''{\nx\n}'''"), "(f {x})");
}

#[test]
fn fstrings_concatenate_with_plain_strings() {
    assert_eq!(d("'a' f'{x}' 'b' f'c'"), r#"(f "a" {x} "bc")"#);
    assert_eq!(d("'a' 'b' f'{x}'"), r#"(f "ab" {x})"#);
}

#[test]
fn fstring_field_spans_point_into_the_source() {
    let src = "  f'ab{count + 1}' f'{zz!r}'";
    let e = expr(src);
    let ExprKind::FString(parts) = &e.kind else {
        panic!("{e:?}")
    };
    let FStringPart::Field { expr: f, .. } = &parts[1] else {
        panic!()
    };
    assert_eq!(
        &src[f.span.start as usize..f.span.end as usize],
        "count + 1"
    );
    let ExprKind::BinOp { left, .. } = &f.kind else {
        panic!()
    };
    assert_eq!(
        &src[left.span.start as usize..left.span.end as usize],
        "count"
    );
    let FStringPart::Field { expr: z, .. } = &parts[2] else {
        panic!()
    };
    assert_eq!(&src[z.span.start as usize..z.span.end as usize], "zz");
    assert_eq!(&src[e.span.start as usize..e.span.end as usize], src.trim());
}

#[test]
fn spans_cover_the_expression() {
    let src = "foo(a, b=1)[2].c + -d";
    let e = expr(src);
    assert_eq!((e.span.start, e.span.end), (0, src.len() as u32));
    let ExprKind::BinOp { left, right, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(
        &src[left.span.start as usize..left.span.end as usize],
        "foo(a, b=1)[2].c"
    );
    assert_eq!(
        &src[right.span.start as usize..right.span.end as usize],
        "-d"
    );
}

#[test]
fn parse_expression_allows_surrounding_whitespace_and_newlines() {
    assert_eq!(d("\n  counter == 4  \n\n"), "(cmp counter == 4)");
    assert_eq!(d("a and\n b"), "(and a b)");
    assert_eq!(d("x  # comment"), "x");
    assert_eq!(expr_err("a b"), "1:3: invalid syntax");
    assert_eq!(expr_err("x = 1"), "1:3: invalid syntax");
    assert_eq!(expr_err("a, b"), "1:2: invalid syntax");
    assert_eq!(expr_err("   "), "1:4: expected an expression");
    assert_eq!(expr_err("(a"), "1:1: '(' was never closed");
    assert_eq!(expr_err("a)"), "1:2: unmatched ')'");
}

#[test]
fn parse_expression_errors_are_located_in_the_embedding_file() {
    let yaml = "name: x\nfinal:\n  - counter ==\n";
    let file = weft_diag::SourceFile::new("s.yaml", yaml);
    let start = yaml.find("counter").unwrap() as u32;
    let e = Embedded::new(file, "counter ==".into(), vec![start]);
    let err = parse_expression(&e).unwrap_err();
    assert_eq!(err.location(), "s.yaml:3:15");
    assert_eq!(err.message, "expected an expression");
}
