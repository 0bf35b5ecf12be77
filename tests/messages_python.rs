//! weft reproduces CPython's exceptions exactly: for each misuse or runtime
//! error, a tiny scenario whose `expect` names the exception type must match
//! (exit 0), and the report must contain the very `Type: message` line CPython
//! prints as the last line of the traceback (CPython 3.13 texts, see
//! python-threading-semantics.md and SPEC §4).
//! This file: builtins and the Python language.

mod common;

#[allow(unused_imports)]
use common::{assert_exception, assert_thread_exception};

// ------------------------------------------------------- builtins and Python

#[test]
fn pop_from_empty_list() {
    assert_exception(
        "pop-from-empty-list",
        r#"
        items = []
        items.pop()
        "#,
        "IndexError",
        "IndexError: pop from empty list",
    );
}

#[test]
fn pop_index_out_of_range() {
    assert_exception(
        "pop-index-out-of-range",
        r#"
        items = [1]
        x = items.pop(5)
        "#,
        "IndexError",
        "IndexError: pop index out of range",
    );
}

#[test]
fn list_index_out_of_range() {
    assert_exception(
        "list-index-out-of-range",
        r#"
        items = [1, 2]
        x = items[2]
        "#,
        "IndexError",
        "IndexError: list index out of range",
    );
}

#[test]
fn list_remove_missing() {
    assert_exception(
        "list-remove-missing",
        r#"
        items = [1]
        items.remove(2)
        "#,
        "ValueError",
        "ValueError: list.remove(x): x not in list",
    );
}

#[test]
fn key_error_str_key() {
    assert_exception(
        "key-error-str",
        r#"
        d = {}
        v = d["a"]
        "#,
        "KeyError",
        "KeyError: 'a'",
    );
}

#[test]
fn key_error_int_key_in_thread() {
    assert_thread_exception(
        "key-error-int",
        r#"
        import threading
        d = {1: 2}
        def work():
            print(d[3])
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        "KeyError",
        "KeyError: 3",
        "Thread-1 (work)",
    );
}

#[test]
fn key_error_dict_pop() {
    assert_exception(
        "key-error-dict-pop",
        r#"
        d = {"a": 1}
        v = d.pop("k")
        "#,
        "KeyError",
        "KeyError: 'k'",
    );
}

#[test]
fn zero_division_true_division() {
    assert_exception(
        "zero-division-true",
        r#"
        x = 0
        y = 1 / x
        "#,
        "ZeroDivisionError",
        "ZeroDivisionError: division by zero",
    );
}

#[test]
fn zero_division_floor_division() {
    // CPython 3.11-3.13 text for int // 0.
    assert_exception(
        "zero-division-floor",
        r#"
        x = 0
        y = 7 // x
        "#,
        "ZeroDivisionError",
        "ZeroDivisionError: integer division or modulo by zero",
    );
}

#[test]
fn zero_division_modulo() {
    // CPython 3.11-3.13 text for int % 0 (differs from the // text).
    assert_exception(
        "zero-division-modulo",
        r#"
        x = 0
        y = 7 % x
        "#,
        "ZeroDivisionError",
        "ZeroDivisionError: integer modulo by zero",
    );
}

#[test]
fn name_error_global_not_yet_assigned() {
    // `flag` is a global only assigned inside setter(), which has not run yet.
    assert_exception(
        "name-error",
        r#"
        def setter():
            global flag
            flag = 1
        def reader():
            print(flag)
        reader()
        setter()
        "#,
        "NameError",
        "NameError: name 'flag' is not defined",
    );
}

#[test]
fn name_error_in_thread_race() {
    // The worker may read `flag` before main's setter() has created it.
    assert_thread_exception(
        "name-error-thread",
        r#"
        import threading
        lock = threading.Lock()
        def setter():
            global flag
            with lock:
                flag = 1
        def reader():
            with lock:
                print(flag)
        t = threading.Thread(target=reader)
        t.start()
        setter()
        t.join()
        "#,
        "NameError",
        "NameError: name 'flag' is not defined",
        "Thread-1 (reader)",
    );
}

#[test]
fn unbound_local_error() {
    assert_exception(
        "unbound-local",
        r#"
        def f():
            print(y)
            y = 1
        f()
        "#,
        "UnboundLocalError",
        "UnboundLocalError: cannot access local variable 'y' where it is not associated with a value",
    );
}

/// A call whose callee is known at compile time with wrong arguments is a
/// scenario error (SPEC §1: exit 2 at `file:line:col`), worded as CPython's
/// `TypeError`.
#[track_caller]
fn assert_static_type_error(name: &str, program: &str, message: &str) {
    let c = common::check(name, program, "");
    assert!(
        c.run.code == Some(2),
        "expected exit 2 (a wrong argument is a scenario error)\n{}",
        c.dump()
    );
    assert!(
        c.run.text().contains(message),
        "expected {message:?} in the error\n{}",
        c.dump()
    );
    assert!(
        c.run.text().contains('^'),
        "expected a caret under the call\n{}",
        c.dump()
    );
}

#[test]
fn type_error_too_many_positional() {
    assert_static_type_error(
        "type-error-too-many",
        r#"
        def g(a, b):
            pass
        g(1, 2, 3)
        "#,
        "g() takes 2 positional arguments but 3 were given",
    );
}

#[test]
fn type_error_one_too_many_positional() {
    assert_static_type_error(
        "type-error-one-too-many",
        r#"
        def g(a):
            pass
        g(1, 2)
        "#,
        "g() takes 1 positional argument but 2 were given",
    );
}

#[test]
fn type_error_missing_argument() {
    assert_static_type_error(
        "type-error-missing",
        r#"
        def g(a, b):
            pass
        g(1)
        "#,
        "g() missing 1 required positional argument: 'b'",
    );
}

#[test]
fn type_error_missing_two_arguments() {
    assert_static_type_error(
        "type-error-missing-two",
        r#"
        def g(a, b, c):
            pass
        g(1)
        "#,
        "g() missing 2 required positional arguments: 'b' and 'c'",
    );
}

#[test]
fn type_error_unexpected_keyword() {
    assert_static_type_error(
        "type-error-keyword",
        r#"
        def g(a):
            pass
        g(1, c=2)
        "#,
        "g() got an unexpected keyword argument 'c'",
    );
}

#[test]
fn type_error_thread_target_args() {
    assert_static_type_error(
        "type-error-thread-args",
        r#"
        import threading
        def work(a):
            pass
        t = threading.Thread(target=work, args=(1, 2))
        t.start()
        t.join()
        "#,
        "work() takes 1 positional argument but 2 were given",
    );
}

// Where the callee is only known at run time, CPython's TypeError is a finding.

#[test]
fn type_error_too_many_positional_at_run_time() {
    assert_exception(
        "type-error-too-many-run-time",
        r#"
        def g(a, b):
            pass
        h = g
        h(1, 2, 3)
        "#,
        "TypeError",
        "TypeError: g() takes 2 positional arguments but 3 were given",
    );
}

#[test]
fn type_error_missing_two_arguments_at_run_time() {
    assert_exception(
        "type-error-missing-two-run-time",
        r#"
        def g(a, b, c):
            pass
        h = g
        h(1)
        "#,
        "TypeError",
        "TypeError: g() missing 2 required positional arguments: 'b' and 'c'",
    );
}

#[test]
fn type_error_thread_target_args_at_run_time() {
    assert_thread_exception(
        "type-error-thread-args-run-time",
        r#"
        import threading
        def work(a):
            pass
        ARGS = (1, 2)
        t = threading.Thread(target=work, args=ARGS)
        t.start()
        t.join()
        "#,
        "TypeError",
        "TypeError: work() takes 1 positional argument but 2 were given",
        "Thread-1 (work)",
    );
}

#[test]
fn type_error_str_plus_int() {
    assert_exception(
        "type-error-concat",
        r#"
        x = "a"
        y = x + 1
        "#,
        "TypeError",
        "TypeError: can only concatenate str (not \"int\") to str",
    );
}

#[test]
fn value_error_int_literal() {
    assert_exception(
        "value-error-int",
        r#"
        x = "abc"
        y = int(x)
        "#,
        "ValueError",
        "ValueError: invalid literal for int() with base 10: 'abc'",
    );
}

#[test]
fn raise_builtin_with_message() {
    assert_exception(
        "raise-builtin",
        r#"
        raise ValueError("boom")
        "#,
        "ValueError",
        "ValueError: boom",
    );
}

#[test]
fn dict_update_from_a_non_iterable() {
    assert_exception(
        "dict-update-non-iterable",
        r#"
        d = {}
        d.update(5)
        "#,
        "TypeError",
        "TypeError: 'int' object is not iterable",
    );
}

#[test]
fn dict_update_element_not_a_sequence() {
    assert_exception(
        "dict-update-element-not-a-sequence",
        r#"
        d = {}
        d.update([1])
        "#,
        "TypeError",
        "TypeError: cannot convert dictionary update sequence element #0 to a sequence",
    );
}

#[test]
fn dict_update_element_of_wrong_length() {
    assert_exception(
        "dict-update-element-wrong-length",
        r#"
        d = {}
        d.update([("a", 1), (1, 2, 3)])
        "#,
        "ValueError",
        "ValueError: dictionary update sequence element #1 has length 3; 2 is required",
    );
}

#[test]
fn dict_update_two_arguments() {
    assert_exception(
        "dict-update-two-arguments",
        r#"
        d = {}
        d.update({}, {})
        "#,
        "TypeError",
        "TypeError: update expected at most 1 argument, got 2",
    );
}

#[test]
fn dict_update_from_pairs() {
    // Pairs are taken in order, a later one wins; a string of two is a pair.
    assert_exception(
        "dict-update-pairs",
        r#"
        d = {}
        d.update([("a", 1), ["b", 2], "cd", ("a", 3)])
        assert d == {"a": 3, "b": 2, "c": "d"} and list(d) == ["a", "b", "c"]
        assert 2 ** 53 + 1 != 2.0 ** 53
        raise ValueError("all held")
        "#,
        "ValueError",
        "ValueError: all held",
    );
}

#[test]
fn nan_compares_false_without_an_error() {
    // CPython: every ordering with a NaN is false, and min/max keep the
    // first of two items that do not compare (no TypeError).
    assert_exception(
        "nan-compares-false",
        r#"
        nan = float("nan")
        assert max([1, nan]) == 1
        assert str(max([nan, 1])) == "nan"
        assert not (1 < nan) and not (1 >= nan) and not (nan <= nan)
        assert not ([nan] < [1]) and not ([nan] > [1])
        raise ValueError("all held")
        "#,
        "ValueError",
        "ValueError: all held",
    );
}

#[test]
fn sorting_with_a_nan_orders_as_cpython() {
    // CPython's sort asks only `<`; a NaN compares false both ways, so where
    // it lands follows CPython's algorithm (these are CPython's results).
    assert_exception(
        "sort-nan",
        r#"
        nan = float("nan")
        big = [8, 1, 6, 6, 5, 4, 1, 5, 7, 9, 5, 8, 3, 5, 2, 4, nan, 3, 6, 8, 3]
        assert str(sorted(big)) == "[1, 1, 2, 3, 3, 3, 4, 4, 5, 5, 5, 5, 6, 6, 6, 7, 8, 8, 8, 9, nan]"
        assert str(sorted([2, 1, nan, 0.5])) == "[0.5, 1, 2, nan]"
        long = [(i * 7919) % 101 for i in range(150)]
        rev = sorted(long, reverse=True)
        rev.reverse()
        assert sorted(long) == rev and len(rev) == 150
        assert str(sorted([1, True, 1.0], reverse=True)) == "[1, True, 1.0]"
        raise ValueError("all held")
        "#,
        "ValueError",
        "ValueError: all held",
    );
}

#[test]
fn sorting_mixed_types() {
    assert_exception(
        "sort-mixed-types",
        r#"
        xs = sorted([1, "a", 2.0] * 10)
        "#,
        "TypeError",
        "TypeError: '<' not supported between instances of 'str' and 'int'",
    );
}

#[test]
fn dict_update_keeps_the_pairs_before_a_bad_one() {
    assert_exception(
        "dict-update-partial",
        r#"
        d = {}
        try:
            d.update([(1, 2), 3])
        except TypeError as e:
            assert str(e) == "cannot convert dictionary update sequence element #1 to a sequence"
        assert d == {1: 2}
        e = {}
        e.update([("a", 1), ([1], 2)])
        "#,
        "TypeError",
        "TypeError: unhashable type: 'list'",
    );
}

#[test]
fn dict_from_pairs_of_wrong_length() {
    // `dict(items)` takes its pairs as `update` does, with the same errors.
    assert_exception(
        "dict-pairs-wrong-length",
        r#"
        try:
            d = dict([1])
        except TypeError as e:
            assert str(e) == "cannot convert dictionary update sequence element #0 to a sequence"
        d = dict([("a", 1), (1, 2, 3)])
        "#,
        "ValueError",
        "ValueError: dictionary update sequence element #1 has length 3; 2 is required",
    );
}
