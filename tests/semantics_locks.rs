//! Small scenarios pinning the semantics of each primitive through verdicts
//! (SPEC §2, docs/semantics.md). Each states its `expect`, so each test asserts
//! that `weft check` exits 0 with a `PASS` line; the comment on each says what
//! it pins. This file: Lock, RLock and Condition.

mod common;

#[allow(unused_imports)]
use common::{assert_pass, RACY_COUNTER};

// ----------------------------------------------------------------------- Lock

#[test]
fn lock_mutual_exclusion_counter() {
    // A Lock around `counter += 1` makes the read-modify-write atomic: no race,
    // no lost update, and never two threads inside the critical section.
    assert_pass(
        "lock-mutual-exclusion",
        r#"
        import threading
        lock = threading.Lock()
        counter = 0
        inside = 0
        def work():
            global counter, inside
            for _ in range(2):
                with lock:
                    inside += 1
                    counter += 1
                    inside -= 1
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        invariants:
          - inside <= 1
        final:
          - counter == 4
        "#,
    );
}

#[test]
fn unlocked_counter_loses_updates() {
    // `counter += 1` is a load and a store: both a race and a lost update.
    assert_pass(
        "unlocked-counter",
        RACY_COUNTER,
        r#"
        final:
          - counter == 2
        expect:
          - data-race: counter
          - assertion
        "#,
    );
}

#[test]
fn lock_has_no_owner() {
    // Any thread may release a Lock: main acquires, the worker releases, main
    // acquires again. No exception, no deadlock, and the release -> acquire
    // edge orders the worker's write before main's read.
    assert_pass(
        "lock-no-owner",
        r#"
        import threading
        lock = threading.Lock()
        data = 0
        def work():
            global data
            data = 1
            lock.release()
        lock.acquire()
        t = threading.Thread(target=work)
        t.start()
        lock.acquire()
        seen = data
        lock.release()
        t.join()
        "#,
        r#"
        final:
          - seen == 1
        "#,
    );
}

#[test]
fn lock_self_deadlock() {
    // Re-acquiring a plain Lock one holds blocks forever: a deadlock, named a
    // self-deadlock, and not a lock-order cycle.
    let c = assert_pass(
        "lock-self-deadlock",
        r#"
        import threading
        lock = threading.Lock()
        def work():
            with lock:
                with lock:
                    pass
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
    assert!(
        c.run.text().contains("self-deadlock"),
        "the deadlock should be named a self-deadlock\n{}",
        c.dump()
    );
}

#[test]
fn lock_acquire_timeout_minus_one_is_forever() {
    // timeout=-1 is Lock's default "wait forever", not a timed wait: it can
    // self-deadlock.
    assert_pass(
        "lock-timeout-minus-one",
        r#"
        import threading
        lock = threading.Lock()
        lock.acquire()
        lock.acquire(timeout=-1)
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
}

#[test]
fn lock_non_blocking_acquire_of_held_lock_is_false() {
    // blocking=False is a single try: False while held, never blocks.
    assert_pass(
        "lock-try-acquire",
        r#"
        import threading
        lock = threading.Lock()
        lock.acquire()
        first = lock.acquire(blocking=False)
        second = lock.acquire(timeout=0)
        held = lock.locked()
        lock.release()
        third = lock.acquire(False)
        "#,
        r#"
        final:
          - first == False
          - second == False
          - held == True
          - third == True
        "#,
    );
}

// ---------------------------------------------------------------------- RLock

#[test]
fn rlock_reentrancy_is_clean() {
    // The owner may re-acquire an RLock; with the matching releases the other
    // thread gets it afterwards.
    assert_pass(
        "rlock-reentrant",
        r#"
        import threading
        r = threading.RLock()
        total = 0
        def add(n):
            global total
            with r:
                total += n
        def work():
            with r:
                add(1)
                add(1)
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        final:
          - total == 4
        "#,
    );
}

#[test]
fn rlock_not_fully_released_blocks_others() {
    // Two acquires, one release: the RLock stays owned by main, so the worker
    // can never get it, and main's join waits forever.
    assert_pass(
        "rlock-count",
        r#"
        import threading
        r = threading.RLock()
        def work():
            with r:
                pass
        r.acquire()
        r.acquire()
        r.release()
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
}

// ------------------------------------------------------------------ Condition

#[test]
fn condition_default_lock_is_reentrant() {
    // Condition() defaults to an RLock: nesting `with cond:` is fine.
    assert_pass(
        "condition-default-rlock",
        r#"
        import threading
        cond = threading.Condition()
        with cond:
            with cond:
                cond.notify()
        "#,
        "",
    );
}

#[test]
fn condition_with_plain_lock_is_not_reentrant() {
    // Condition(Lock()) shares the plain Lock: nesting self-deadlocks.
    assert_pass(
        "condition-plain-lock",
        r#"
        import threading
        cond = threading.Condition(threading.Lock())
        with cond:
            with cond:
                pass
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
}

#[test]
fn condition_notify_wakes_oldest_waiter_first() {
    // notify() wakes the oldest waiter (FIFO, as CPython): the first thread to
    // wait is the first to wake, in every interleaving.
    assert_pass(
        "condition-fifo",
        r#"
        import threading
        import time
        cond = threading.Condition()
        order = []
        woke = []
        def waiter(name):
            with cond:
                order.append(name)
                cond.wait()
                woke.append(name)
        a = threading.Thread(target=waiter, args=("a",))
        b = threading.Thread(target=waiter, args=("b",))
        a.start()
        b.start()
        while True:
            with cond:
                if len(order) == 2:
                    cond.notify()
                    break
            time.sleep(0.01)
        while True:
            with cond:
                if len(woke) == 1:
                    cond.notify()
                    break
            time.sleep(0.01)
        a.join()
        b.join()
        "#,
        r#"
        final:
          - woke == order
          - len(woke) == 2
        "#,
    );
}

#[test]
fn condition_notify_wakes_only_one() {
    // With two waiters in a predicate loop, a single notify() leaves one of
    // them waiting forever: a deadlock is reachable.
    assert_pass(
        "condition-notify-one",
        r#"
        import threading
        cond = threading.Condition()
        go = False
        def waiter():
            with cond:
                while not go:
                    cond.wait()
        threads = [threading.Thread(target=waiter) for _ in range(2)]
        for t in threads:
            t.start()
        with cond:
            go = True
            cond.notify()
        for t in threads:
            t.join()
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
}

#[test]
fn condition_notify_all_wakes_everyone() {
    // The same with notify_all(): every waiter wakes; clean.
    assert_pass(
        "condition-notify-all",
        r#"
        import threading
        cond = threading.Condition()
        go = False
        done = 0
        def waiter():
            global done
            with cond:
                while not go:
                    cond.wait()
                done += 1
        threads = [threading.Thread(target=waiter) for _ in range(2)]
        for t in threads:
            t.start()
        with cond:
            go = True
            cond.notify_all()
        for t in threads:
            t.join()
        "#,
        r#"
        final:
          - done == 2
        "#,
    );
}

#[test]
fn condition_wait_timeout_may_return_false() {
    // wait(timeout) may time out (False) even though a notify comes, or the
    // notify may come before the wait (lost): `results == [True]` can fail.
    assert_pass(
        "condition-wait-timeout",
        r#"
        import threading
        cond = threading.Condition()
        results = []
        def waiter():
            with cond:
                results.append(cond.wait(timeout=1.0))
        t = threading.Thread(target=waiter)
        t.start()
        with cond:
            cond.notify()
        t.join()
        "#,
        r#"
        final:
          - len(results) == 1
          - results == [True]
        expect:
          - assertion
        "#,
    );
}

#[test]
fn condition_wait_timeout_without_notifier_is_false_not_deadlock() {
    // Nobody notifies: a timed wait returns False; never a deadlock.
    assert_pass(
        "condition-wait-timeout-alone",
        r#"
        import threading
        cond = threading.Condition()
        with cond:
            r = cond.wait(0.5)
        "#,
        r#"
        final:
          - r == False
        "#,
    );
}

#[test]
fn condition_wait_for_predicate() {
    // wait_for(pred) loops until the predicate holds and returns its value.
    assert_pass(
        "condition-wait-for",
        r#"
        import threading
        cond = threading.Condition()
        ready = False
        result = None
        def is_ready():
            return ready
        def consumer():
            global result
            with cond:
                result = cond.wait_for(is_ready)
        t = threading.Thread(target=consumer)
        t.start()
        with cond:
            ready = True
            cond.notify()
        t.join()
        "#,
        r#"
        final:
          - result == True
        "#,
    );
}
