//! Small scenarios pinning the semantics of each primitive through verdicts
//! (SPEC §2, docs/semantics.md). Each states its `expect`, so each test asserts
//! that `weft check` exits 0 with a `PASS` line; the comment on each says what
//! it pins. This file: preemptions, more thread facts, timeout values and params.

mod common;

#[allow(unused_imports)]
use common::{assert_pass, RACY_COUNTER};

// ---------------------------------------------------------------- preemptions

#[test]
fn zero_preemptions_finds_race_but_not_lost_update() {
    // With no preemption each thread's `+=` runs whole, so no update is lost;
    // the race is still reported (happens-before, not timing).
    assert_pass(
        "preemptions-zero",
        RACY_COUNTER,
        r#"
        limits:
          preemptions: 0
        final:
          - counter == 2
        expect:
          - data-race: counter
        "#,
    );
}

#[test]
fn one_preemption_finds_lost_update() {
    // One preemption (between the load and the store) suffices for the loss.
    assert_pass(
        "preemptions-one",
        RACY_COUNTER,
        r#"
        limits:
          preemptions: 1
        final:
          - counter == 2
        expect:
          - data-race: counter
          - assertion
        "#,
    );
}

// ---------------------------------------------------------- more Thread facts

#[test]
fn thread_names_and_daemon_flags() {
    // Default names are "Thread-N (target)", main is "MainThread"; daemon is
    // False by default (inherited from main), kwargs are passed.
    assert_pass(
        "thread-names",
        r#"
        import threading
        names = []
        def work(tag=None):
            names.append(threading.current_thread().name)
            names.append(tag)
        t = threading.Thread(target=work, kwargs={"tag": "k"})
        u = threading.Thread(target=work, name="custom", args=("p",))
        main_name = threading.current_thread().name
        daemon = t.daemon
        t.start()
        t.join()
        u.start()
        u.join()
        "#,
        r#"
        final:
          - main_name == "MainThread"
          - daemon == False
          - names == ["Thread-1 (work)", "k", "custom", "p"]
        "#,
    );
}

#[test]
fn join_twice_and_join_dead_thread() {
    // Repeated joins are fine, also of a thread that died of an exception;
    // afterwards it is not alive.
    assert_pass(
        "join-twice",
        r#"
        import threading
        def bad():
            raise KeyError("k")
        t = threading.Thread(target=bad)
        t.start()
        t.join()
        t.join()
        alive = t.is_alive()
        "#,
        r#"
        final:
          - alive == False
        expect:
          - exception: KeyError
        "#,
    );
}

#[test]
fn condition_wait_releases_rlock_fully() {
    // wait() releases a nested RLock completely (saving its depth), so the
    // notifier can get in; the waiter then restores the depth and releases
    // normally. Clean.
    assert_pass(
        "condition-wait-rlock-depth",
        r#"
        import threading
        cond = threading.Condition()
        go = False
        def waiter():
            with cond:
                with cond:
                    while not go:
                        cond.wait()
        t = threading.Thread(target=waiter)
        t.start()
        with cond:
            go = True
            cond.notify()
        t.join()
        "#,
        "",
    );
}

#[test]
fn no_race_after_event_is_set_true() {
    // set() -> an is_set() that returns True orders the data.
    assert_pass(
        "no-race-is-set",
        r#"
        import threading
        import time
        ev = threading.Event()
        data = 0
        def work():
            global data
            data = 1
            ev.set()
        t = threading.Thread(target=work)
        t.start()
        while not ev.is_set():
            time.sleep(0.01)
        seen = data
        t.join()
        "#,
        r#"
        final:
          - seen == 1
        "#,
    );
}

#[test]
fn final_not_checked_in_deadlock() {
    // The program never ends, so the false `final` is not evaluated: only the
    // deadlock is reported.
    assert_pass(
        "final-not-in-deadlock",
        r#"
        import threading
        ev = threading.Event()
        x = 0
        def waiter():
            ev.wait()
        threading.Thread(target=waiter).start()
        "#,
        r#"
        final:
          - x == 1
        expect:
          - deadlock
        "#,
    );
}

#[test]
fn invariant_sees_intermediate_states() {
    // Invariants hold in every reachable state, not only at the end: the
    // transient x == 1 is caught.
    assert_pass(
        "invariant-intermediate",
        r#"
        import threading
        x = 0
        def work():
            global x
            x = 1
            x = 2
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        r#"
        invariants:
          - x != 1
        final:
          - x == 2
        expect:
          - assertion
        "#,
    );
}

#[test]
fn failing_assert_in_thread_is_assertion_not_exception() {
    // A false `assert` is an `assertion` finding, not `exception:
    // AssertionError`; other threads continue.
    assert_pass(
        "assert-in-thread",
        r#"
        import threading
        done = []
        def check():
            assert len([1]) == 2, "impossible"
        def good():
            done.append(1)
        t1 = threading.Thread(target=check)
        t2 = threading.Thread(target=good)
        t1.start()
        t2.start()
        t1.join()
        t2.join()
        "#,
        r#"
        final:
          - done == [1]
        expect:
          - assertion
        "#,
    );
}

#[test]
fn with_several_locks_acquires_in_order() {
    // `with a, b:` takes a then b: opposite orders in two threads give a cycle
    // and a deadlock.
    assert_pass(
        "with-two-locks",
        r#"
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def ab():
            with a, b:
                pass
        def ba():
            with b, a:
                pass
        t1 = threading.Thread(target=ab)
        t2 = threading.Thread(target=ba)
        t1.start()
        t2.start()
        t1.join()
        t2.join()
        "#,
        r#"
        expect:
          - lock-order-cycle: [a, b]
          - deadlock
        "#,
    );
}

// ------------------------------------------------------------ timeout values

#[test]
fn negative_timeouts_mean_poll_where_cpython_says_so() {
    // Condition/Event.wait, Semaphore.acquire: negative = 0 (one poll, False);
    // Queue ignores the timeout when block=False (Empty/Full, no ValueError).
    assert_pass(
        "negative-timeouts",
        r#"
        import threading
        import queue
        cond = threading.Condition()
        ev = threading.Event()
        sem = threading.Semaphore(0)
        q = queue.Queue(1)
        with cond:
            a = cond.wait(-1)
        b = ev.wait(-5)
        c = sem.acquire(timeout=-1)
        try:
            q.get(False, -1)
        except queue.Empty:
            d = "empty"
        q.put(1)
        try:
            q.put(2, False, -3)
        except queue.Full:
            e = "full"
        "#,
        r#"
        final:
          - a == False
          - b == False
          - c == False
          - d == "empty"
          - e == "full"
        "#,
    );
}

#[test]
fn join_negative_timeout_is_a_poll() {
    // Thread.join(-1) is join(0): it may return before the thread ends, so the
    // read after it races with the thread's write.
    assert_pass(
        "join-negative-timeout",
        r#"
        import threading
        x = 0
        def work():
            global x
            x = 1
        t = threading.Thread(target=work)
        t.start()
        t.join(-1)
        y = x
        t.join()
        "#,
        r#"
        expect:
          - data-race: x
        "#,
    );
}

#[test]
fn rlock_owner_non_blocking_reacquire_and_bounded_release_n() {
    // The RLock owner gets True at once even with blocking=False;
    // BoundedSemaphore.release(2) past the bound raises and changes nothing.
    assert_pass(
        "rlock-owner-bounded-n",
        r#"
        import threading
        r = threading.RLock()
        a = r.acquire()
        b = r.acquire(blocking=False)
        r.release()
        r.release()
        s = threading.BoundedSemaphore(2)
        s.acquire()
        raised = False
        try:
            s.release(2)
        except ValueError:
            raised = True
        c = s.acquire(blocking=False)
        d = s.acquire(blocking=False)
        "#,
        r#"
        final:
          - a == True
          - b == True
          - raised == True
          - c == True
          - d == False
        "#,
    );
}

// ---------------------------------------------------------------------- params

#[test]
fn params_override_module_constant() {
    // params replaces the top-level assignment of a constant.
    assert_pass(
        "params-override",
        r#"
        import threading
        ITEMS = 1000
        lock = threading.Lock()
        total = 0
        def work():
            global total
            for i in range(ITEMS):
                with lock:
                    total += 1
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        r#"
        params:
          ITEMS: 2
        final:
          - total == 2
          - ITEMS == 2
        "#,
    );
}
