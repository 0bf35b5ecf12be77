//! Small scenarios pinning the semantics of each primitive through verdicts
//! (SPEC §2, docs/semantics.md). Each states its `expect`, so each test asserts
//! that `weft check` exits 0 with a `PASS` line; the comment on each says what
//! it pins. This file: lock order and data races.

mod common;

#[allow(unused_imports)]
use common::assert_pass;

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

// ----------------------------------------- whole-container reads in expressions

/// A writer of element 1 of the shared lists `pair` and `names`, and a
/// reader running `body`, which reads `subject` whole: the read is a step
/// and races with the write, and nothing else is reported.
fn whole_list_read_races(name: &str, body: &str, subject: &str) {
    let program = format!(
        r#"
        import threading
        pair = [0, 0]
        names = ["a", "b"]
        out = []
        def writer():
            pair[1] = 1
            names[1] = "c"
        def reader():
            {body}
        t1 = threading.Thread(target=writer)
        t2 = threading.Thread(target=reader)
        t1.start()
        t2.start()
        t1.join()
        t2.join()
        "#
    );
    let expect = format!("\n        expect:\n          - data-race: {subject}\n        ");
    assert_pass(name, &program, &expect);
}

#[test]
fn concatenating_a_shared_list_reads_every_element() {
    // `pair + [2]` copies both elements.
    whole_list_read_races("race-concat", "out.append(pair + [2])", "pair");
}

#[test]
fn an_f_string_of_a_shared_list_reads_every_element() {
    // `f"{pair}"` renders both elements.
    whole_list_read_races("race-fstring", "out.append(f\"{pair}\")", "pair");
}

#[test]
fn unpacking_a_shared_list_reads_every_element() {
    // `a, b = pair` reads both elements.
    whole_list_read_races(
        "race-unpack",
        "a, b = pair\n            out.append(a + b)",
        "pair",
    );
}

#[test]
fn extending_from_or_joining_a_shared_list_reads_every_element() {
    // `mine.extend(pair)` and `",".join(names)` read their argument whole,
    // though the call is on another object.
    whole_list_read_races(
        "race-extend",
        "mine = []\n            mine.extend(pair)",
        "pair",
    );
    whole_list_read_races("race-join", "mine = \",\".join(names)", "names");
}
