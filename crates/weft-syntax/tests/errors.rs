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
        (
            "def f():\n    x = yield 1\n",
            "2:9: `yield` is not supported",
        ),
        (
            "def f():\n    return (yield)\n",
            "2:13: `yield` is not supported",
        ),
        (
            "def f():\n    x = yield from g()\n",
            "2:9: `yield from` is not supported",
        ),
        (
            "async def f():\n    pass\n",
            "1:1: `async def` is not supported",
        ),
        (
            "def f():\n    async with a:\n        pass\n",
            "2:5: `async with` is not supported",
        ),
        (
            "async for x in y: pass",
            "1:1: `async for` is not supported",
        ),
        ("x = await f()", "1:5: `await` is not supported"),
        (
            "x = [x async for x in y]",
            "1:8: asynchronous comprehensions are not supported",
        ),
        (
            "match x:\n    case 1:\n        pass\n",
            "1:1: `match` statements are not supported",
        ),
        (
            "match (x):\n    case 1: pass\n",
            "1:1: `match` statements are not supported",
        ),
        (
            "if (n := 10) > 5:\n    pass\n",
            "1:7: assignment expressions (`:=`) are not supported",
        ),
        (
            "x := 1",
            "1:3: assignment expressions (`:=`) are not supported",
        ),
        (
            "f(y := 1)",
            "1:5: assignment expressions (`:=`) are not supported",
        ),
        (
            "def f(*args):\n    pass",
            "1:7: `*args` parameters are not supported",
        ),
        (
            "def f(a, **kw):\n    pass",
            "1:10: `**kw` parameters are not supported",
        ),
        (
            "def f(a, *, b):\n    pass",
            "1:10: keyword-only parameters (bare `*`) are not supported",
        ),
        (
            "def f(a, /, b):\n    pass",
            "1:10: positional-only parameters (`/`) are not supported",
        ),
        (
            "g = lambda *a: 1",
            "1:12: `*a` parameters are not supported",
        ),
        ("f(*a)", "1:3: `*args` argument unpacking is not supported"),
        (
            "f(a, **k)",
            "1:6: `**kwargs` argument unpacking is not supported",
        ),
        (
            "class A(*b): pass",
            "1:9: `*args` argument unpacking is not supported",
        ),
        (
            "a, *b = c",
            "1:4: starred expressions (`*x`) are not supported",
        ),
        (
            "x = [*a]",
            "1:6: starred expressions (`*x`) are not supported",
        ),
        (
            "for *a, b in c: pass",
            "1:5: starred expressions (`*x`) are not supported",
        ),
        ("x = {**a}", "1:6: `**` dict unpacking is not supported"),
        (
            "x = (i for i in y)",
            "1:5: generator expressions are not supported; use a list comprehension",
        ),
        (
            "sum(i for i in y)",
            "1:5: generator expressions are not supported; use a list comprehension",
        ),
        (
            "x = {k: v for k, v in y}",
            "1:5: dict comprehensions are not supported",
        ),
        (
            "x = {k for k in y}",
            "1:5: set comprehensions are not supported",
        ),
        (
            "from threading import *",
            "1:1: `from ... import *` is not supported",
        ),
        (
            "try:\n    pass\nexcept* E:\n    pass",
            "3:1: `except*` is not supported",
        ),
        (
            "class A(metaclass=M): pass",
            "1:9: keyword arguments in class definitions (`metaclass=`) are not supported",
        ),
        ("x = b'abc'", "1:5: bytes literals are not supported"),
        ("x = rb'abc'", "1:5: bytes literals are not supported"),
        ("x = 1j", "1:5: complex literals are not supported"),
        (
            "s = '\\N{DASH}'",
            "1:6: `\\N{...}` escapes are not supported",
        ),
        (
            "x = f'{x:{y}}'",
            "1:10: nested f-string format specs are not supported",
        ),
        ("type X = int", "1:1: `type` statements are not supported"),
    ]);
}

#[test]
fn next_constructs_parse_for_the_compiler_to_reject() {
    // lambda, classes, decorators, attribute assignment, global/nonlocal.
    assert_eq!(m("f = lambda x: x"), "(= f (lambda (x) x))");
    assert_eq!(
        m("@d\nclass A(B):\n    x = 1"),
        "(class @d A (B) [(= x 1)])"
    );
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
        (
            "f'{x!z}'",
            "1:5: f-string: invalid conversion character: expected 's', 'r', or 'a'",
        ),
        (
            "f'{a\\n}'",
            "1:5: f-string expression part cannot include a backslash",
        ),
        (
            "f'{a#}'",
            "1:5: f-string expression part cannot include '#'",
        ),
        ("f'{a)}'", "1:5: f-string: unmatched ')'"),
        ("f'{a b}'", "1:6: invalid syntax"),
        ("f'{a +}'", "1:7: expected an expression"),
        ("x = 1\ny = f'{yield}'", "2:8: `yield` is not supported"),
    ]);
}

#[test]
fn block_and_indentation_errors() {
    check(&[
        ("if x\n    pass\n", "1:5: expected ':'"),
        ("while x\n    pass\n", "1:8: expected ':'"),
        ("def f()\n    pass\n", "1:8: expected ':'"),
        (
            "x = 1\n\nif x:\npass\n",
            "4:1: expected an indented block after 'if' statement on line 3",
        ),
        (
            "if x:\n    pass\nelif y:\nz\n",
            "4:1: expected an indented block after 'elif' statement on line 3",
        ),
        (
            "if x:\n    pass\nelse:\nz\n",
            "4:1: expected an indented block after 'else' statement on line 3",
        ),
        (
            "for x in y:\n",
            "2:1: expected an indented block after 'for' statement on line 1",
        ),
        (
            "while x:\n# c\n\n",
            "4:1: expected an indented block after 'while' statement on line 1",
        ),
        (
            "def f():\nreturn 1",
            "2:1: expected an indented block after function definition on line 1",
        ),
        (
            "class A:\nx = 1",
            "2:1: expected an indented block after class definition on line 1",
        ),
        (
            "try:\nx",
            "2:1: expected an indented block after 'try' statement on line 1",
        ),
        (
            "try:\n  x\nexcept E:\nx",
            "4:1: expected an indented block after 'except' statement on line 3",
        ),
        (
            "try:\n  x\nfinally:\nx",
            "4:1: expected an indented block after 'finally' statement on line 3",
        ),
        (
            "with a:\nx",
            "2:1: expected an indented block after 'with' statement on line 1",
        ),
        ("x = 1\n    y = 2\n", "2:5: unexpected indent"),
        ("  x = 1\n", "1:3: unexpected indent"),
        (
            "if x:\n        a\n    b\n",
            "3:5: unindent does not match any outer indentation level",
        ),
        (
            "if x:\n\tif y:\n        z\n",
            "3:9: inconsistent use of tabs and spaces in indentation",
        ),
        (
            "try:\n    pass\n",
            "3:1: expected 'except' or 'finally' block",
        ),
        (
            "try:\n    pass\nelse:\n    pass\n",
            "3:1: expected 'except' or 'finally' block",
        ),
        (
            "try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n",
            "5:1: default 'except:' must be last",
        ),
        (
            "try:\n    pass\nexcept A, B:\n    pass\n",
            "3:8: multiple exception types must be parenthesized",
        ),
        ("if x: for y in z: pass", "1:7: invalid syntax"),
        ("else:\n    pass", "1:1: invalid syntax"),
        ("@dec\nx = 1\n", "2:1: invalid syntax"),
    ]);
}

#[test]
fn bracket_errors() {
    check(&[
        ("x = (1,\ny = 2\n", "1:5: '(' was never closed"),
        ("foo(1, 2\n", "1:4: '(' was never closed"),
        ("x = [1,\n  2\n", "1:5: '[' was never closed"),
        ("x = {\n", "1:5: '{' was never closed"),
        ("x = (1, 2))", "1:11: unmatched ')'"),
        ("x = 1]", "1:6: unmatched ']'"),
        (
            "x = [1, 2)",
            "1:10: closing parenthesis ')' does not match opening parenthesis '['",
        ),
        (
            "x = (1 2)",
            "1:8: invalid syntax. Perhaps you forgot a comma?",
        ),
        ("f(a b)", "1:5: invalid syntax. Perhaps you forgot a comma?"),
        (
            "x = {'a' 1}",
            "1:10: invalid syntax. Perhaps you forgot a comma?",
        ),
        (
            "x = {'a': 1, 'b'}",
            "1:17: ':' expected after dictionary key",
        ),
    ]);
}

#[test]
fn assignment_target_errors() {
    check(&[
        ("f() = 1", "1:1: cannot assign to function call"),
        ("1 = x", "1:1: cannot assign to literal"),
        ("'a' = x", "1:1: cannot assign to literal"),
        ("f'{a}' = x", "1:1: cannot assign to f-string expression"),
        ("a + b = c", "1:1: cannot assign to expression"),
        ("-a = c", "1:1: cannot assign to expression"),
        ("a and b = c", "1:1: cannot assign to expression"),
        ("a < b = c", "1:1: cannot assign to comparison"),
        (
            "a if b else c = d",
            "1:1: cannot assign to conditional expression",
        ),
        ("lambda: 1 = d", "1:1: cannot assign to lambda"),
        ("{} = d", "1:1: cannot assign to dict literal"),
        ("{a} = d", "1:1: cannot assign to set display"),
        (
            "[x for x in y] = d",
            "1:1: cannot assign to list comprehension",
        ),
        ("x, f() = 1, 2", "1:4: cannot assign to function call"),
        ("[a, (b, 1)] = x", "1:9: cannot assign to literal"),
        ("x = f() = 1", "1:5: cannot assign to function call"),
        ("None = 1", "1:1: cannot assign to None"),
        ("True = 1", "1:1: cannot assign to True"),
        ("... = 1", "1:1: cannot assign to ellipsis"),
        ("for f() in x: pass", "1:5: cannot assign to function call"),
        ("for x, 1 in y: pass", "1:8: cannot assign to literal"),
        (
            "x = [1 for f() in y]",
            "1:12: cannot assign to function call",
        ),
        (
            "with a as f(): pass",
            "1:11: cannot assign to function call",
        ),
        ("del f()", "1:5: cannot delete function call"),
        ("del a, 1", "1:8: cannot delete literal"),
        (
            "(a, b) += 1",
            "1:1: 'tuple' is an illegal expression for augmented assignment",
        ),
        (
            "[a] += 1",
            "1:1: 'list' is an illegal expression for augmented assignment",
        ),
        (
            "f() += 1",
            "1:1: 'function call' is an illegal expression for augmented assignment",
        ),
        (
            "a, b: int = 1",
            "1:1: only single target (not tuple) can be annotated",
        ),
        ("f(): int", "1:1: illegal target for annotation"),
    ]);
}

#[test]
fn call_and_definition_errors() {
    check(&[
        (
            "f(a=1, b)",
            "1:8: positional argument follows keyword argument",
        ),
        ("f(a=1, a=2)", "1:8: keyword argument repeated: a"),
        (
            "f(a.b=1)",
            "1:3: expression cannot contain assignment, perhaps you meant \"==\"?",
        ),
        (
            "def f(a=1, b): pass",
            "1:12: parameter without a default follows parameter with a default",
        ),
        (
            "def f(a, a): pass",
            "1:10: duplicate argument 'a' in function definition",
        ),
        ("def f(:\n    pass", "1:7: invalid syntax"),
        ("def (): pass", "1:5: invalid syntax"),
        (
            "class A(x=1): pass",
            "1:9: keyword arguments in class definitions (`metaclass=`) are not supported",
        ),
    ]);
}

#[test]
fn misplaced_statements() {
    check(&[
        ("break", "1:1: 'break' outside loop"),
        ("continue", "1:1: 'continue' not properly in loop"),
        ("return 1", "1:1: 'return' outside function"),
        (
            "def f():\n    class A:\n        return 1\n",
            "3:9: 'return' outside function",
        ),
        (
            "while x:\n    def g():\n        break\n",
            "3:9: 'break' outside loop",
        ),
        (
            "for x in y:\n    pass\nelse:\n    break\n",
            "4:5: 'break' outside loop",
        ),
    ]);
}

#[test]
fn other_syntax_errors() {
    check(&[
        (
            "print 'hello'",
            "1:1: Missing parentheses in call to 'print'. Did you mean print(...)?",
        ),
        ("x = 1 2", "1:7: invalid syntax"),
        ("x = 1 +", "1:8: invalid syntax"),
        ("x = 1 if 2", "1:11: expected 'else' after 'if' expression"),
        (
            "x = \\ 1",
            "1:5: unexpected character after line continuation character",
        ),
        ("x = 1 \\", "1:7: unexpected EOF while parsing"),
        ("for x y: pass", "1:7: expected 'in'"),
        ("for x in: pass", "1:9: invalid syntax"),
        ("import", "1:7: invalid syntax"),
        ("import a.*", "1:10: invalid syntax"),
        ("from x import", "1:14: invalid syntax"),
        ("from import y", "1:6: invalid syntax"),
        ("global", "1:7: invalid syntax"),
        ("x = 1;;", "1:7: invalid syntax"),
        ("a = 1 = b", "1:5: cannot assign to literal"),
        ("x.1", "1:2: invalid syntax"),
        ("x = 1\ny = (\n  1 +\n)\n", "4:1: invalid syntax"),
    ]);
}

#[test]
fn errors_render_with_the_source_line_and_a_caret() {
    let d = weft_syntax::parse_module(&weft_diag::Embedded::detached(
        "t.py",
        "x = 1\ndef f():\n    yield x\n",
    ))
    .unwrap_err();
    let r = d.render(false);
    assert!(r.contains("`yield` is not supported"), "{r}");
    assert!(r.contains("t.py:3:5"), "{r}");
    assert!(r.contains("    yield x"), "{r}");
    assert!(r.contains('^'), "{r}");
}
