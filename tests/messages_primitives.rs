//! weft reproduces CPython's exceptions exactly: for each misuse or runtime
//! error, a tiny scenario whose `expect` names the exception type must match
//! (exit 0), and the report must contain the very `Type: message` line CPython
//! prints as the last line of the traceback (CPython 3.13 texts, see
//! python-threading-semantics.md and SPEC §4).
//! This file: the threading and queue primitives.

mod common;

#[allow(unused_imports)]
use common::{assert_exception, assert_thread_exception};

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
