//! Small scenarios pinning the semantics of each primitive through verdicts
//! (SPEC §2, docs/semantics.md). Each states its `expect`, so each test asserts
//! that `weft check` exits 0 with a `PASS` line; the comment on each says what
//! it pins.

mod common;

use common::assert_pass;

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
        r#"
        import threading
        counter = 0
        def work():
            global counter
            counter += 1
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
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

// ---------------------------------------------------------------------- Event

#[test]
fn event_set_then_wait_returns_true() {
    // set() wakes every waiter; wait() returns True; set -> wait orders the
    // data written before set().
    assert_pass(
        "event-set-wait",
        r#"
        import threading
        ev = threading.Event()
        data = 0
        got = []
        def waiter():
            got.append(ev.wait())
            got.append(data)
        threads = [threading.Thread(target=waiter) for _ in range(2)]
        for t in threads:
            t.start()
        data = 42
        ev.set()
        for t in threads:
            t.join()
        "#,
        r#"
        final:
          - got == [True, 42, True, 42] or got == [True, True, 42, 42]
        "#,
    );
}

#[test]
fn event_clear_and_is_set() {
    // An Event starts clear; set() sets, clear() resets; a timed wait on a
    // clear event returns False.
    assert_pass(
        "event-clear",
        r#"
        import threading
        ev = threading.Event()
        a = ev.is_set()
        ev.set()
        b = ev.is_set()
        c = ev.wait()
        ev.clear()
        d = ev.is_set()
        e = ev.wait(timeout=0.1)
        "#,
        r#"
        final:
          - a == False
          - b == True
          - c == True
          - d == False
          - e == False
        "#,
    );
}

#[test]
fn event_waiter_woken_by_set_returns_true_despite_clear() {
    // set(); clear(): a waiter already waiting at set() returns True; one that
    // arrives after clear() waits forever (deadlock). In every end state the
    // waiter got True.
    assert_pass(
        "event-set-clear",
        r#"
        import threading
        ev = threading.Event()
        got = []
        def waiter():
            got.append(ev.wait())
        t = threading.Thread(target=waiter)
        t.start()
        ev.set()
        ev.clear()
        t.join()
        "#,
        r#"
        final:
          - got == [True]
        expect:
          - deadlock
        "#,
    );
}

#[test]
fn event_never_set_non_daemon_deadlocks() {
    // Main ends without setting; the non-daemon waiter keeps the program from
    // ending: a deadlock (CPython hangs at exit).
    assert_pass(
        "event-never-set",
        r#"
        import threading
        ev = threading.Event()
        def waiter():
            ev.wait()
        t = threading.Thread(target=waiter)
        t.start()
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
}

// ------------------------------------------------------------------ Semaphore

const SEMAPHORE_WORKERS: &str = r#"
    import threading
    sem = threading.Semaphore(LIMIT)
    count_lock = threading.Lock()
    active = 0
    def worker():
        global active
        with sem:
            with count_lock:
                active += 1
            with count_lock:
                active -= 1
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"#;

#[test]
fn semaphore_bounds_concurrency() {
    // Semaphore(2): never more than two workers inside.
    assert_pass(
        "semaphore-bounds",
        &SEMAPHORE_WORKERS.replace("LIMIT", "2"),
        r#"
        invariants:
          - active <= 2
        final:
          - active == 0
        "#,
    );
}

#[test]
fn semaphore_of_three_lets_three_in() {
    // Semaphore(3) with three workers: all three can be inside at once.
    assert_pass(
        "semaphore-three",
        &SEMAPHORE_WORKERS.replace("LIMIT", "3"),
        r#"
        invariants:
          - active <= 2
        expect:
          - assertion
        "#,
    );
}

#[test]
fn semaphore_has_no_owner_and_release_n() {
    // Semaphore(0): two workers block; main's release(2) lets both through
    // (any thread may release). The release -> acquire edge orders `data`.
    assert_pass(
        "semaphore-release-n",
        r#"
        import threading
        sem = threading.Semaphore(0)
        data = 0
        seen = []
        def worker():
            sem.acquire()
            seen.append(data)
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        data = 7
        sem.release(2)
        for t in threads:
            t.join()
        "#,
        r#"
        final:
          - seen == [7, 7]
        "#,
    );
}

#[test]
fn semaphore_single_release_leaves_one_blocked() {
    // One release for two waiters: one of them waits forever.
    assert_pass(
        "semaphore-one-release",
        r#"
        import threading
        sem = threading.Semaphore(0)
        def worker():
            sem.acquire()
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        sem.release()
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
fn bounded_semaphore_within_bound_is_clean() {
    // BoundedSemaphore used correctly (acquire before release) never raises.
    assert_pass(
        "bounded-semaphore-ok",
        r#"
        import threading
        sem = threading.BoundedSemaphore(1)
        total = 0
        def worker():
            global total
            with sem:
                total += 1
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        final:
          - total == 2
        "#,
    );
}

#[test]
fn bounded_semaphore_over_release_leaves_counter_unchanged() {
    // The failed release does not change the counter: one acquire succeeds,
    // the second non-blocking one fails.
    assert_pass(
        "bounded-semaphore-unchanged",
        r#"
        import threading
        sem = threading.BoundedSemaphore(1)
        raised = False
        try:
            sem.release()
        except ValueError:
            raised = True
        a = sem.acquire(blocking=False)
        b = sem.acquire(blocking=False)
        "#,
        r#"
        final:
          - raised == True
          - a == True
          - b == False
        "#,
    );
}

#[test]
fn semaphore_timeout_never_deadlocks() {
    // Nobody releases: acquire(timeout=…) returns False instead of blocking.
    assert_pass(
        "semaphore-timeout",
        r#"
        import threading
        sem = threading.Semaphore(0)
        ok = sem.acquire(timeout=1)
        "#,
        r#"
        final:
          - ok == False
        "#,
    );
}

// ---------------------------------------------------------------------- queue

#[test]
fn queue_is_fifo() {
    // Items come out in the order they were put.
    assert_pass(
        "queue-fifo",
        r#"
        import threading
        import queue
        q = queue.Queue()
        consumed = []
        def producer():
            for i in range(3):
                q.put(i + 1)
        def consumer():
            for _ in range(3):
                consumed.append(q.get())
        p = threading.Thread(target=producer)
        c = threading.Thread(target=consumer)
        p.start()
        c.start()
        p.join()
        c.join()
        "#,
        r#"
        final:
          - consumed == [1, 2, 3]
        "#,
    );
}

#[test]
fn queue_maxsize_blocks_put() {
    // A full bounded queue blocks put(): with no consumer, main waits forever.
    assert_pass(
        "queue-maxsize-blocks",
        r#"
        import queue
        q = queue.Queue(maxsize=1)
        q.put(1)
        q.put(2)
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
}

#[test]
fn queue_maxsize_bounds_items() {
    // maxsize=1 with a consumer: every put completes, at most one item queued.
    assert_pass(
        "queue-maxsize-handoff",
        r#"
        import threading
        import queue
        q = queue.Queue(maxsize=1)
        got = []
        sizes = []
        def consumer():
            for _ in range(2):
                got.append(q.get())
        c = threading.Thread(target=consumer)
        c.start()
        for i in range(2):
            q.put(i)
            sizes.append(q.qsize())
        c.join()
        full = q.full()
        empty = q.empty()
        "#,
        r#"
        final:
          - got == [0, 1]
          - max(sizes) <= 1
          - full == False
          - empty == True
        "#,
    );
}

#[test]
fn queue_join_waits_for_task_done() {
    // q.join() returns once every item is task_done(); the task_done -> join
    // edge orders the worker's writes before main's read. The daemon worker is
    // abandoned blocked in get() at exit.
    assert_pass(
        "queue-join-task-done",
        r#"
        import threading
        import queue
        q = queue.Queue()
        total = 0
        def worker():
            global total
            while True:
                item = q.get()
                total += item
                q.task_done()
        t = threading.Thread(target=worker, daemon=True)
        t.start()
        q.put(1)
        q.put(2)
        q.join()
        seen = total
        "#,
        r#"
        final:
          - seen == 3
        "#,
    );
}

#[test]
fn queue_join_without_task_done_deadlocks() {
    // Without task_done(), q.join() never returns.
    assert_pass(
        "queue-join-no-task-done",
        r#"
        import threading
        import queue
        q = queue.Queue()
        def worker():
            while True:
                q.get()
        t = threading.Thread(target=worker, daemon=True)
        t.start()
        q.put(1)
        q.join()
        "#,
        r#"
        expect:
          - deadlock
        "#,
    );
}

#[test]
fn queue_get_timeout_raises_empty_or_gets() {
    // get(timeout=…) either receives the item or raises queue.Empty; caught
    // here, so both outcomes are end states and neither is a deadlock.
    assert_pass(
        "queue-get-timeout",
        r#"
        import threading
        import queue
        q = queue.Queue()
        got = []
        def consumer():
            try:
                got.append(q.get(timeout=1))
            except queue.Empty:
                got.append("empty")
        c = threading.Thread(target=consumer)
        c.start()
        q.put("x")
        c.join()
        "#,
        r#"
        final:
          - got == ["x"]
        expect:
          - assertion
        "#,
    );
}

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

// ----------------------------------------------------------------- lock order

#[test]
fn lock_order_cycle_reported_without_deadlock() {
    // Two threads take a, b in opposite orders but never overlap (the second
    // starts after the first is joined): no deadlock is reachable, yet the
    // cycle is reported.
    assert_pass(
        "lock-order-no-deadlock",
        r#"
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def ab():
            with a:
                with b:
                    pass
        def ba():
            with b:
                with a:
                    pass
        t1 = threading.Thread(target=ab)
        t1.start()
        t1.join()
        t2 = threading.Thread(target=ba)
        t2.start()
        t2.join()
        "#,
        r#"
        expect:
          - lock-order-cycle: [a, b]
        "#,
    );
}

#[test]
fn lock_order_cycle_and_deadlock() {
    // Overlapping opposite orders: both the cycle and the deadlock.
    assert_pass(
        "lock-order-deadlock",
        r#"
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def ab():
            with a:
                with b:
                    pass
        def ba():
            with b:
                with a:
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
          - lock-order-cycle: [b, a]
          - deadlock
        "#,
    );
}

#[test]
fn gate_lock_suppresses_lock_order_cycle() {
    // Both orders are taken inside a common gate lock: no cycle, no deadlock.
    assert_pass(
        "lock-order-gated",
        r#"
        import threading
        gate = threading.Lock()
        a = threading.Lock()
        b = threading.Lock()
        def ab():
            with gate:
                with a:
                    with b:
                        pass
        def ba():
            with gate:
                with b:
                    with a:
                        pass
        t1 = threading.Thread(target=ab)
        t2 = threading.Thread(target=ba)
        t1.start()
        t2.start()
        t1.join()
        t2.join()
        "#,
        "",
    );
}

#[test]
fn single_thread_opposite_orders_is_no_cycle() {
    // Edges from one thread only are not a lock-order cycle.
    assert_pass(
        "lock-order-one-thread",
        r#"
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def work():
            with a:
                with b:
                    pass
            with b:
                with a:
                    pass
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        "",
    );
}

#[test]
fn lock_order_cycle_names_locks_passed_as_arguments() {
    // Locks passed as arguments are named by their globals.
    assert_pass(
        "lock-order-args",
        r#"
        import threading
        first = threading.Lock()
        second = threading.Lock()
        def take(x, y):
            with x:
                with y:
                    pass
        t1 = threading.Thread(target=take, args=(first, second))
        t2 = threading.Thread(target=take, args=(second, first))
        t1.start()
        t2.start()
        t1.join()
        t2.join()
        "#,
        r#"
        expect:
          - lock-order-cycle: [first, second]
          - deadlock
        "#,
    );
}

// ----------------------------------------------------------------- data races

#[test]
fn race_without_synchronisation() {
    // The worker writes, main reads with nothing ordering them.
    assert_pass(
        "race-unsynchronised",
        r#"
        import threading
        data = 0
        def work():
            global data
            data = 1
        t = threading.Thread(target=work)
        t.start()
        seen = data
        t.join()
        "#,
        r#"
        expect:
          - data-race: data
        "#,
    );
}

#[test]
fn no_race_after_join() {
    // thread end -> join() orders the write before the read.
    assert_pass(
        "no-race-join",
        r#"
        import threading
        data = 0
        def work():
            global data
            data = 1
        t = threading.Thread(target=work)
        t.start()
        t.join()
        seen = data
        "#,
        r#"
        final:
          - seen == 1
        "#,
    );
}

#[test]
fn no_race_before_start() {
    // start() orders main's earlier write before the thread's read.
    assert_pass(
        "no-race-start",
        r#"
        import threading
        data = 0
        seen = []
        def work():
            seen.append(data)
        data = 5
        t = threading.Thread(target=work)
        t.start()
        t.join()
        "#,
        r#"
        final:
          - seen == [5]
        "#,
    );
}

#[test]
fn no_race_after_is_alive_false() {
    // is_alive() returning False orders the thread's last step before it.
    assert_pass(
        "no-race-is-alive",
        r#"
        import threading
        import time
        data = 0
        def work():
            global data
            data = 1
        t = threading.Thread(target=work)
        t.start()
        while t.is_alive():
            time.sleep(0.01)
        seen = data
        "#,
        r#"
        final:
          - seen == 1
        "#,
    );
}

#[test]
fn no_race_with_event_handoff() {
    // set() -> wait() orders the data.
    assert_pass(
        "no-race-event",
        r#"
        import threading
        ev = threading.Event()
        data = 0
        def work():
            global data
            data = 1
            ev.set()
        t = threading.Thread(target=work)
        t.start()
        ev.wait()
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
fn no_race_with_queue_handoff() {
    // put() -> get() of that item orders the data.
    assert_pass(
        "no-race-queue",
        r#"
        import threading
        import queue
        q = queue.Queue()
        data = 0
        def work():
            global data
            data = 1
            q.put("ready")
        t = threading.Thread(target=work)
        t.start()
        q.get()
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
fn race_despite_sleep() {
    // time.sleep() is no synchronisation: still a race, and main may read 0.
    assert_pass(
        "race-sleep",
        r#"
        import threading
        import time
        data = 0
        def work():
            global data
            data = 1
        t = threading.Thread(target=work)
        t.start()
        time.sleep(1)
        seen = data
        t.join()
        "#,
        r#"
        final:
          - seen == 1
        expect:
          - data-race: data
          - assertion
        "#,
    );
}

#[test]
fn plain_flag_publication_races_on_both() {
    // A plain bool flag is no edge: races on the flag and on the data.
    assert_pass(
        "race-plain-flag",
        r#"
        import threading
        import time
        data = 0
        ready = False
        def work():
            global data, ready
            data = 1
            ready = True
        t = threading.Thread(target=work)
        t.start()
        while not ready:
            time.sleep(0.01)
        seen = data
        t.join()
        "#,
        r#"
        expect:
          - data-race: data
          - data-race: ready
        "#,
    );
}

#[test]
fn atomic_flag_publishes_data() {
    // With `ready` in atomic: no race on it, and reading it orders `data`.
    assert_pass(
        "atomic-flag",
        r#"
        import threading
        import time
        data = 0
        ready = False
        def work():
            global data, ready
            data = 1
            ready = True
        t = threading.Thread(target=work)
        t.start()
        while not ready:
            time.sleep(0.01)
        seen = data
        t.join()
        "#,
        r#"
        atomic:
          - ready
        final:
          - seen == 1
        "#,
    );
}

#[test]
fn atomic_suppresses_race_but_not_lost_update() {
    // `atomic:` silences the race on `hits`, yet `hits += 1` is still a load
    // and a store: the final check catches the lost update.
    assert_pass(
        "atomic-lost-update",
        r#"
        import threading
        hits = 0
        def work():
            global hits
            hits += 1
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        atomic:
          - hits
        final:
          - hits == 2
        expect:
          - assertion
        "#,
    );
}

#[test]
fn container_method_calls_do_not_race() {
    // append from two threads is atomic: no race, both items arrive.
    assert_pass(
        "append-atomic",
        r#"
        import threading
        items = []
        def work(n):
            items.append(n)
        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        final:
          - len(items) == 2
          - sum(items) == 1
        "#,
    );
}

#[test]
fn container_method_races_with_plain_access() {
    // A method call races with another thread's plain read (len) of the list.
    assert_pass(
        "append-vs-len",
        r#"
        import threading
        items = []
        def work():
            items.append(1)
        t = threading.Thread(target=work)
        t.start()
        n = len(items)
        t.join()
        "#,
        r#"
        expect:
          - data-race: items
        "#,
    );
}

#[test]
fn dict_element_lost_update() {
    // `counts[k] += 1` is a load and a store of the element: a race on the
    // dict's global name and a lost update.
    assert_pass(
        "dict-lost-update",
        r#"
        import threading
        counts = {"a": 0}
        def work():
            counts["a"] += 1
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        final:
          - counts["a"] == 2
        expect:
          - data-race: counts
          - assertion
        "#,
    );
}

#[test]
fn check_then_act_race_and_index_error() {
    // `if items: items.pop()` from two threads: race and IndexError.
    assert_pass(
        "check-then-act",
        r#"
        import threading
        items = [1]
        def work():
            if items:
                items.pop()
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
        r#"
        expect:
          - data-race: items
          - exception: IndexError
        "#,
    );
}

// ---------------------------------------------------------------- preemptions

#[test]
fn zero_preemptions_finds_race_but_not_lost_update() {
    // With no preemption each thread's `+=` runs whole, so no update is lost;
    // the race is still reported (happens-before, not timing).
    assert_pass(
        "preemptions-zero",
        r#"
        import threading
        counter = 0
        def work():
            global counter
            counter += 1
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
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
        r#"
        import threading
        counter = 0
        def work():
            global counter
            counter += 1
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        "#,
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
