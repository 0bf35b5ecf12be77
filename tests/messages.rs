//! weft reproduces CPython's exceptions exactly: for each misuse or runtime
//! error, a tiny scenario whose `expect` names the exception type must match
//! (exit 0), and the report must contain the very `Type: message` line CPython
//! prints as the last line of the traceback (CPython 3.13 texts, see
//! python-threading-semantics.md and SPEC §4).

mod common;

/// Checks `program` with `expect: [exception: SUBJECT]`, asserts exit 0 and a
/// line of the output reading exactly `line` (surrounding whitespace aside).
#[track_caller]
fn assert_exception(name: &str, program: &str, subject: &str, line: &str) -> common::Checked {
    let c = common::check(
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
fn assert_thread_exception(name: &str, program: &str, subject: &str, line: &str, thread: &str) {
    let c = assert_exception(name, program, subject, line);
    let header = format!("Exception in thread {thread}");
    assert!(
        c.run.text().contains(&header),
        "expected {header:?} in the report\n{}",
        c.dump()
    );
}

// ---------------------------------------------------------------- Lock / RLock

#[test]
fn lock_release_unlocked() {
    assert_exception(
        "lock-release-unlocked",
        r#"
        import threading
        lock = threading.Lock()
        lock.release()
        "#,
        "RuntimeError",
        "RuntimeError: release unlocked lock",
    );
}

#[test]
fn lock_release_unlocked_in_thread() {
    assert_thread_exception(
        "lock-release-unlocked-in-thread",
        r#"
        import threading
        lock = threading.Lock()
        def work():
            lock.release()
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        "RuntimeError",
        "RuntimeError: release unlocked lock",
        "Thread-1 (work)",
    );
}

#[test]
fn rlock_release_unowned() {
    assert_exception(
        "rlock-release-unowned",
        r#"
        import threading
        r = threading.RLock()
        r.release()
        "#,
        "RuntimeError",
        "RuntimeError: cannot release un-acquired lock",
    );
}

#[test]
fn rlock_release_by_non_owner() {
    // Main owns the RLock; the worker may not release it. Main then releases
    // it properly, so the only finding is the worker's RuntimeError.
    assert_thread_exception(
        "rlock-release-by-non-owner",
        r#"
        import threading
        r = threading.RLock()
        r.acquire()
        def work():
            r.release()
        t = threading.Thread(target=work)
        t.start()
        t.join()
        r.release()
        "#,
        "RuntimeError",
        "RuntimeError: cannot release un-acquired lock",
        "Thread-1 (work)",
    );
}

#[test]
fn lock_timeout_with_non_blocking_call() {
    assert_exception(
        "lock-timeout-non-blocking",
        r#"
        import threading
        lock = threading.Lock()
        lock.acquire(blocking=False, timeout=1)
        "#,
        "ValueError",
        "ValueError: can't specify a timeout for a non-blocking call",
    );
}

#[test]
fn lock_timeout_with_non_blocking_call_positional() {
    assert_exception(
        "lock-timeout-non-blocking-positional",
        r#"
        import threading
        lock = threading.Lock()
        lock.acquire(False, 0.5)
        "#,
        "ValueError",
        "ValueError: can't specify a timeout for a non-blocking call",
    );
}

#[test]
fn rlock_timeout_with_non_blocking_call() {
    assert_exception(
        "rlock-timeout-non-blocking",
        r#"
        import threading
        r = threading.RLock()
        r.acquire(blocking=False, timeout=1)
        "#,
        "ValueError",
        "ValueError: can't specify a timeout for a non-blocking call",
    );
}

#[test]
fn lock_negative_timeout() {
    assert_exception(
        "lock-negative-timeout",
        r#"
        import threading
        lock = threading.Lock()
        lock.acquire(timeout=-5)
        "#,
        "ValueError",
        "ValueError: timeout value must be a non-negative number",
    );
}

#[test]
fn rlock_negative_timeout() {
    assert_exception(
        "rlock-negative-timeout",
        r#"
        import threading
        r = threading.RLock()
        r.acquire(True, -2)
        "#,
        "ValueError",
        "ValueError: timeout value must be a non-negative number",
    );
}

// ------------------------------------------------------------------ Condition

#[test]
fn condition_wait_unacquired() {
    assert_exception(
        "condition-wait-unacquired",
        r#"
        import threading
        cond = threading.Condition()
        cond.wait()
        "#,
        "RuntimeError",
        "RuntimeError: cannot wait on un-acquired lock",
    );
}

#[test]
fn condition_wait_with_timeout_unacquired() {
    assert_exception(
        "condition-wait-timeout-unacquired",
        r#"
        import threading
        cond = threading.Condition(threading.Lock())
        cond.wait(0.1)
        "#,
        "RuntimeError",
        "RuntimeError: cannot wait on un-acquired lock",
    );
}

#[test]
fn condition_wait_for_unacquired() {
    // wait_for checks the lock only when it has to wait: the predicate is false.
    assert_exception(
        "condition-wait-for-unacquired",
        r#"
        import threading
        cond = threading.Condition()
        ready = False
        def is_ready():
            return ready
        cond.wait_for(is_ready)
        "#,
        "RuntimeError",
        "RuntimeError: cannot wait on un-acquired lock",
    );
}

#[test]
fn condition_notify_unacquired() {
    assert_exception(
        "condition-notify-unacquired",
        r#"
        import threading
        cond = threading.Condition()
        cond.notify()
        "#,
        "RuntimeError",
        "RuntimeError: cannot notify on un-acquired lock",
    );
}

#[test]
fn condition_notify_all_unacquired_in_thread() {
    assert_thread_exception(
        "condition-notify-all-unacquired",
        r#"
        import threading
        cond = threading.Condition()
        def work():
            cond.notify_all()
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        "RuntimeError",
        "RuntimeError: cannot notify on un-acquired lock",
        "Thread-1 (work)",
    );
}

// --------------------------------------------------------------------- Thread

#[test]
fn thread_started_twice() {
    assert_exception(
        "thread-started-twice",
        r#"
        import threading
        def work():
            pass
        t = threading.Thread(target=work)
        t.start()
        t.start()
        t.join()
        "#,
        "RuntimeError",
        "RuntimeError: threads can only be started once",
    );
}

#[test]
fn join_before_start() {
    assert_exception(
        "join-before-start",
        r#"
        import threading
        def work():
            pass
        t = threading.Thread(target=work)
        t.join()
        "#,
        "RuntimeError",
        "RuntimeError: cannot join thread before it is started",
    );
}

#[test]
fn join_current_thread_main() {
    assert_exception(
        "join-current-thread-main",
        r#"
        import threading
        threading.current_thread().join()
        "#,
        "RuntimeError",
        "RuntimeError: cannot join current thread",
    );
}

#[test]
fn join_current_thread_worker() {
    assert_thread_exception(
        "join-current-thread-worker",
        r#"
        import threading
        def work():
            threading.current_thread().join()
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        "RuntimeError",
        "RuntimeError: cannot join current thread",
        "Thread-1 (work)",
    );
}

#[test]
fn set_daemon_of_active_thread() {
    assert_exception(
        "set-daemon-active",
        r#"
        import threading
        def work():
            pass
        t = threading.Thread(target=work)
        t.start()
        t.daemon = True
        t.join()
        "#,
        "RuntimeError",
        "RuntimeError: cannot set daemon status of active thread",
    );
}

// ------------------------------------------------------------------ Semaphore

#[test]
fn semaphore_negative_initial_value() {
    assert_exception(
        "semaphore-negative-initial",
        r#"
        import threading
        sem = threading.Semaphore(-1)
        "#,
        "ValueError",
        "ValueError: semaphore initial value must be >= 0",
    );
}

#[test]
fn bounded_semaphore_negative_initial_value() {
    assert_exception(
        "bounded-semaphore-negative-initial",
        r#"
        import threading
        sem = threading.BoundedSemaphore(value=-3)
        "#,
        "ValueError",
        "ValueError: semaphore initial value must be >= 0",
    );
}

#[test]
fn semaphore_release_n_zero() {
    assert_exception(
        "semaphore-release-zero",
        r#"
        import threading
        sem = threading.Semaphore(1)
        sem.release(0)
        "#,
        "ValueError",
        "ValueError: n must be one or more",
    );
}

#[test]
fn bounded_semaphore_released_too_many_times() {
    assert_exception(
        "bounded-semaphore-too-many",
        r#"
        import threading
        sem = threading.BoundedSemaphore(2)
        sem.acquire()
        sem.release()
        sem.release()
        "#,
        "ValueError",
        "ValueError: Semaphore released too many times",
    );
}

#[test]
fn semaphore_timeout_with_non_blocking_acquire() {
    assert_exception(
        "semaphore-timeout-non-blocking",
        r#"
        import threading
        sem = threading.Semaphore(1)
        sem.acquire(blocking=False, timeout=1)
        "#,
        "ValueError",
        "ValueError: can't specify timeout for non-blocking acquire",
    );
}

// ---------------------------------------------------------------------- queue

#[test]
fn queue_task_done_too_many() {
    assert_exception(
        "queue-task-done-too-many",
        r#"
        import queue
        q = queue.Queue()
        q.put(1)
        q.get()
        q.task_done()
        q.task_done()
        "#,
        "ValueError",
        "ValueError: task_done() called too many times",
    );
}

#[test]
fn queue_get_negative_timeout() {
    assert_exception(
        "queue-get-negative-timeout",
        r#"
        import queue
        q = queue.Queue()
        q.get(timeout=-1)
        "#,
        "ValueError",
        "ValueError: 'timeout' must be a non-negative number",
    );
}

#[test]
fn queue_put_negative_timeout() {
    assert_exception(
        "queue-put-negative-timeout",
        r#"
        import queue
        q = queue.Queue(maxsize=1)
        q.put(1)
        q.put(2, timeout=-1)
        "#,
        "ValueError",
        "ValueError: 'timeout' must be a non-negative number",
    );
}

#[test]
fn queue_get_nowait_on_empty_queue() {
    // queue.Empty is _queue.Empty in CPython: the traceback ends `_queue.Empty`.
    assert_exception(
        "queue-get-nowait-empty",
        r#"
        import queue
        q = queue.Queue()
        q.get_nowait()
        "#,
        "Empty",
        "_queue.Empty",
    );
}

#[test]
fn queue_get_non_blocking_on_empty_queue() {
    assert_exception(
        "queue-get-non-blocking-empty",
        r#"
        import queue
        q = queue.Queue()
        q.get(block=False)
        "#,
        "Empty",
        "_queue.Empty",
    );
}

#[test]
fn queue_get_timeout_on_empty_queue() {
    // Nobody ever puts: the timed get can only time out (never a deadlock).
    assert_exception(
        "queue-get-timeout-empty",
        r#"
        import queue
        q = queue.Queue()
        q.get(timeout=0.5)
        "#,
        "Empty",
        "_queue.Empty",
    );
}

#[test]
fn queue_put_nowait_on_full_queue() {
    assert_exception(
        "queue-put-nowait-full",
        r#"
        import queue
        q = queue.Queue(maxsize=1)
        q.put_nowait(1)
        q.put_nowait(2)
        "#,
        "Full",
        "queue.Full",
    );
}

#[test]
fn queue_put_timeout_on_full_queue() {
    assert_exception(
        "queue-put-timeout-full",
        r#"
        import queue
        q = queue.Queue(1)
        q.put("a")
        q.put("b", timeout=1)
        "#,
        "Full",
        "queue.Full",
    );
}

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

// ---------------------------------------------------------------- Barrier

#[test]
fn barrier_parties_must_be_positive() {
    assert_exception(
        "barrier-parties",
        r#"
        import threading
        b = threading.Barrier(0)
        "#,
        "ValueError",
        "ValueError: parties must be >= 1",
    );
}

#[test]
fn broken_barrier_after_abort() {
    assert_exception(
        "barrier-abort",
        r#"
        import threading
        b = threading.Barrier(2)
        b.abort()
        b.wait()
        "#,
        "BrokenBarrierError",
        "threading.BrokenBarrierError",
    );
}
