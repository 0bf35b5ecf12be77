//! Small scenarios pinning the semantics of each primitive through verdicts
//! (SPEC §2, docs/semantics.md). Each states its `expect`, so each test asserts
//! that `weft check` exits 0 with a `PASS` line; the comment on each says what
//! it pins. This file: Event, Semaphore and queue.Queue.

mod common;

#[allow(unused_imports)]
use common::assert_pass;

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
