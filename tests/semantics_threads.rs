//! Small scenarios pinning the semantics of each primitive through verdicts
//! (SPEC §2, docs/semantics.md). Each states its `expect`, so each test asserts
//! that `weft check` exits 0 with a `PASS` line; the comment on each says what
//! it pins. This file: threads, exceptions and timeouts.

mod common;

#[allow(unused_imports)]
use common::assert_pass;

// --------------------------------------------------------------------- Thread

#[test]
fn join_with_timeout_may_leave_thread_alive() {
    // join(timeout) may return while the thread still runs: is_alive() True.
    assert_pass(
        "join-timeout-alive",
        r#"
        import threading
        done = []
        def work():
            done.append(1)
        t = threading.Thread(target=work)
        t.start()
        t.join(timeout=0.1)
        alive = t.is_alive()
        "#,
        r#"
        final:
          - alive == False
        expect:
          - assertion
        "#,
    );
}

#[test]
fn join_without_timeout_thread_is_dead() {
    // A plain join() returns only after the thread ended.
    assert_pass(
        "join-no-timeout",
        r#"
        import threading
        def work():
            pass
        t = threading.Thread(target=work)
        before = t.is_alive()
        t.start()
        t.join()
        after = t.is_alive()
        "#,
        r#"
        final:
          - before == False
          - after == False
        "#,
    );
}

#[test]
fn daemon_threads_abandoned_at_exit() {
    // A daemon blocked forever (on a lock main holds, and on an event nobody
    // sets) does not stop the program from ending: clean.
    assert_pass(
        "daemon-abandoned",
        r#"
        import threading
        lock = threading.Lock()
        ev = threading.Event()
        def blocked_on_lock():
            lock.acquire()
        def blocked_on_event():
            ev.wait()
        lock.acquire()
        threading.Thread(target=blocked_on_lock, daemon=True).start()
        t = threading.Thread(target=blocked_on_event)
        t.daemon = True
        t.start()
        "#,
        "",
    );
}

#[test]
fn daemon_flag_is_inherited() {
    // A thread started by a daemon thread is a daemon too: its blocking forever
    // is no deadlock.
    assert_pass(
        "daemon-inherited",
        r#"
        import threading
        ev = threading.Event()
        def child():
            ev.wait()
        def parent():
            threading.Thread(target=child).start()
        p = threading.Thread(target=parent, daemon=True)
        p.start()
        p.join()
        "#,
        "",
    );
}

#[test]
fn non_daemon_blocked_after_main_ends_is_deadlock() {
    // Main ends; a non-daemon thread blocked on a lock nobody releases keeps
    // the program from ending.
    assert_pass(
        "non-daemon-blocked",
        r#"
        import threading
        lock = threading.Lock()
        def work():
            lock.acquire()
        lock.acquire()
        threading.Thread(target=work).start()
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
}

#[test]
fn daemon_finally_does_not_run_at_exit() {
    // Abandoned daemons run no `finally`: `cleaned` stays False in some end
    // state.
    assert_pass(
        "daemon-no-finally",
        r#"
        import threading
        ev = threading.Event()
        cleaned = False
        def work():
            global cleaned
            try:
                ev.wait()
            finally:
                cleaned = True
        threading.Thread(target=work, daemon=True).start()
        "#,
        r#"
        atomic:
          - cleaned
        final:
          - cleaned == True
        expect:
          - assertion
        "#,
    );
}

// ----------------------------------------------------------------- exceptions

#[test]
fn uncaught_exception_does_not_stop_other_threads() {
    // One thread dies; the other finishes; join() of the dead one returns.
    assert_pass(
        "exception-others-continue",
        r#"
        import threading
        done = []
        def bad():
            raise ValueError("boom")
        def good():
            done.append(1)
        t1 = threading.Thread(target=bad)
        t2 = threading.Thread(target=good)
        t1.start()
        t2.start()
        t1.join()
        t2.join()
        finished = True
        "#,
        r#"
        final:
          - done == [1]
          - finished == True
        expect:
          - exception: ValueError
        "#,
    );
}

#[test]
fn uncaught_exception_in_main_waits_for_non_daemon() {
    // Main dies; the program still ends only after the worker has finished.
    assert_pass(
        "exception-in-main",
        r#"
        import threading
        done = []
        def good():
            done.append(1)
        threading.Thread(target=good).start()
        raise RuntimeError("main failed")
        "#,
        r#"
        final:
          - done == [1]
        expect:
          - exception: RuntimeError
        "#,
    );
}

#[test]
fn with_releases_lock_on_exception() {
    // `with lock:` releases while unwinding: the other thread still gets it.
    assert_pass(
        "with-releases",
        r#"
        import threading
        lock = threading.Lock()
        done = []
        def bad():
            with lock:
                raise ValueError("boom")
        def good():
            with lock:
                done.append(1)
        threads = [threading.Thread(target=bad), threading.Thread(target=good)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        final:
          - done == [1]
        expect:
          - exception: ValueError
        "#,
    );
}

#[test]
fn bare_acquire_stays_held_after_exception() {
    // Thread death releases nothing: after a bare acquire() and an exception,
    // the other thread can block forever.
    assert_pass(
        "bare-acquire-held",
        r#"
        import threading
        lock = threading.Lock()
        def bad():
            lock.acquire()
            raise ValueError("boom")
        def good():
            with lock:
                pass
        threads = [threading.Thread(target=bad), threading.Thread(target=good)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        expect:
          - exception: ValueError
          - deadlock
        "#,
    );
}

#[test]
fn try_finally_releases_lock() {
    // try/finally releases the bare acquire() on the way out.
    assert_pass(
        "try-finally-release",
        r#"
        import threading
        lock = threading.Lock()
        done = []
        def bad():
            lock.acquire()
            try:
                raise ValueError("boom")
            finally:
                lock.release()
        def good():
            with lock:
                done.append(1)
        threads = [threading.Thread(target=bad), threading.Thread(target=good)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        final:
          - done == [1]
        expect:
          - exception: ValueError
        "#,
    );
}

#[test]
fn caught_exception_is_no_finding() {
    // An exception caught by try/except is not a finding; else/finally run.
    assert_pass(
        "caught-exception",
        r#"
        import threading
        log = []
        def work():
            try:
                items = []
                items.pop()
            except IndexError:
                log.append("caught")
            else:
                log.append("else")
            finally:
                log.append("finally")
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        r#"
        final:
          - log == ["caught", "finally"]
        "#,
    );
}

// ------------------------------------------------------------------- timeouts

#[test]
fn timeouts_never_deadlock() {
    // Every timed wait on something that never happens times out instead of
    // deadlocking: lock, event, condition, join, queue get/put.
    assert_pass(
        "timeouts-never-deadlock",
        r#"
        import threading
        import queue
        lock = threading.Lock()
        ev = threading.Event()
        cond = threading.Condition()
        q = queue.Queue(maxsize=1)
        results = []
        def work():
            results.append(lock.acquire(timeout=1))
            results.append(ev.wait(timeout=1))
            with cond:
                results.append(cond.wait(timeout=1))
            try:
                q.get(timeout=1)
            except queue.Empty:
                results.append("empty")
        lock.acquire()
        t = threading.Thread(target=work)
        t.start()
        t.join()
        q.put(1)
        try:
            q.put(2, timeout=1)
        except queue.Full:
            results.append("full")
        "#,
        r#"
        final:
          - results == [False, False, False, "empty", "full"]
        "#,
    );
}

#[test]
fn join_timeout_on_blocked_thread_never_deadlocks_main() {
    // main's join(timeout) cannot deadlock, but the blocked non-daemon worker
    // still keeps the program from ending.
    assert_pass(
        "join-timeout-blocked",
        r#"
        import threading
        ev = threading.Event()
        def work():
            ev.wait()
        t = threading.Thread(target=work)
        t.start()
        t.join(timeout=1)
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
}
