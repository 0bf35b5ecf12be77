//! Every rejected construct and the common syntax errors: message and line:col.
mod common;
use common::*;

#[track_caller]
fn check(cases: &[(&str, &str)]) {
    for (src, want) in cases {
        assert_eq!(err(src), *want, "for {src:?}");
    }
}

#[test]
fn unsupported_constructs_are_rejected_by_name() {
    check(&[
        ("def f():\n    yield\n", "2:5: `yield` is not supported"),
        ("def f():\n    x = yield 1\n", "2:9: `yield` is not supported"),
        ("def f():\n    return (yield)\n", "2:13: `yield` is not supported"),
        ("def f():\n    x = yield from g()\n", "2:9: `yield from` is not supported"),
        ("async def f():\n    pass\n", "1:1: `async def` is not supported"),
        ("def f():\n    async with a:\n        pass\n", "2:5: `async with` is not supported"),
        ("async for x in y: pass", "1:1: `async for` is not supported"),
        ("x = await f()", "1:5: `await` is not supported"),
        ("x = [x async for x in y]", "1:8: asynchronous comprehensions are not supported"),
        ("match x:\n    case 1:\n        pass\n", "1:1: `match` statements are not supported"),
        ("match (x):\n    case 1: pass\n", "1:1: `match` statements are not supported"),
        ("if (n := 10) > 5:\n    pass\n", "1:7: assignment expressions (`:=`) are not supported"),
        ("x := 1", "1:3: assignment expressions (`:=`) are not supported"),
        ("f(y := 1)", "1:5: assignment expressions (`:=`) are not supported"),
        ("def f(*args):\n    pass", "1:7: `*args` parameters are not supported"),
        ("def f(a, **kw):\n    pass", "1:10: `**kw` parameters are not supported"),
        ("def f(a, *, b):\n    pass", "1:10: keyword-only parameters (bare `*`) are not supported"),
        ("def f(a, /, b):\n    pass", "1:10: positional-only parameters (`/`) are not supported"),
        ("g = lambda *a: 1", "1:12: `*a` parameters are not supported"),
        ("f(*a)", "1:3: `*args` argument unpacking is not supported"),
        ("f(a, **k)", "1:6: `**kwargs` argument unpacking is not supported"),
        ("class A(*b): pass", "1:9: `*args` argument unpacking is not supported"),
        ("a, *b = c", "1:4: starred expressions (`*x`) are not supported"),
        ("x = [*a]", "1:6: starred expressions (`*x`) are not supported"),
        ("for *a, b in c: pass", "1:5: starred expressions (`*x`) are not supported"),
        ("x = {**a}", "1:6: `**` dict unpacking is not supported"),
        ("x = (i for i in y)", "1:5: generator expressions are not supported; use a list comprehension"),
        ("sum(i for i in y)", "1:5: generator expressions are not supported; use a list comprehension"),
        ("x = {k: v for k, v in y}", "1:5: dict comprehensions are not supported"),
        ("x = {k for k in y}", "1:5: set comprehensions are not supported"),
        ("from threading import *", "1:1: `from ... import *` is not supported"),
        ("try:\n    pass\nexcept* E:\n    pass", "3:1: `except*` is not supported"),
        ("class A(metaclass=M): pass", "1:9: keyword arguments in class definitions (`metaclass=`) are not supported"),
        ("x = b'abc'", "1:5: bytes literals are not supported"),
        ("x = rb'abc'", "1:5: bytes literals are not supported"),
        ("x = 1j", "1:5: complex literals are not supported"),
        ("s = '\\N{DASH}'", "1:6: `\\N{...}` escapes are not supported"),
        ("x = f'{x:{y}}'", "1:10: nested f-string format specs are not supported"),
        ("type X = int", "1:1: `type` statements are not supported"),
    ]);
}

#[test]
fn next_constructs_parse_for_the_compiler_to_reject() {
    // lambda, classes, decorators, attribute assignment, global/nonlocal.
    assert_eq!(m("f = lambda x: x"), "(= f (lambda (x) x))");
    assert_eq!(m("@d\nclass A(B):\n    x = 1"), "(class @d A (B) [(= x 1)])");
    assert_eq!(m("a.b.c = 1"), "(= (. (. a b) c) 1)");
    assert_eq!(m("nonlocal x"), "(nonlocal x)");
}

#[test]
fn literal_errors() {
    check(&[
        ("x = 99999999999999999999", "1:5: integer literal too large"),
        ("x = 0xffffffffffffffffff", "1:5: integer literal too large"),
        ("x = 0x", "1:5: invalid hexadecimal literal"),
        ("x = 012", "1:5: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"),
        ("x = 1__0", "1:6: invalid decimal literal"),
        ("x = 1_", "1:6: invalid decimal literal"),
        ("x = 0b102", "1:9: invalid digit '2' in binary literal"),
        ("x = 0o8", "1:7: invalid digit '8' in octal literal"),
        ("x = 12abc", "1:7: invalid decimal literal"),
        ("s = '\\x4'", "1:6: truncated \\xXX escape"),
        ("s = '\\u12'", "1:6: truncated \\uXXXX escape"),
        ("s = '\\U00110000'", "1:6: illegal Unicode character"),
        ("x = 'abc\n", "1:5: unterminated string literal"),
        ("x = 'abc", "1:5: unterminated string literal"),
        ("x = '''abc\n", "1:5: unterminated triple-quoted string literal"),
        ("x = $", "1:5: invalid character '$' (U+0024)"),
        ("x = `1`", "1:5: invalid character '`' (U+0060)"),
        ("x = 1 € 2", "1:7: invalid character '€' (U+20AC)"),
        ("\0", "1:1: source code cannot contain null bytes"),
    ]);
}

#[test]
fn fstring_errors() {
    check(&[
        ("f'{}'", "1:3: f-string: empty expression not allowed"),
        ("f'}'", "1:3: f-string: single '}' is not allowed"),
        ("f'{x'", "1:3: f-string: expecting '}'"),
        ("f'{x!z}'", "1:5: f-string: invalid conversion character: expected 's', 'r', or 'a'"),
        ("f'{a\\n}'", "1:5: f-string expression part cannot include a backslash"),
        ("f'{a#}'", "1:5: f-string expression part cannot include '#'"),
        ("f'{a)}'", "1:5: f-string: unmatched ')'"),
        ("f'{a b}'", "1:6: invalid syntax"),
        ("f'{a +}'", "1:7: expected an expression"),
        ("x = 1\ny = f'{yield}'", "2:8: `yield` is not supported"),
        ("y = f'  {x := 1}'", "2:1: invalid syntax"),
    ]);
}
