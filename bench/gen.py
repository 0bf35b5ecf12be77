#!/usr/bin/env python3
"""Generate the benchmark families: for every instance, a weft scenario
(`bench/families/<instance>.yaml`) and an equivalent Promela model
(`bench/families/<instance>.pml`), plus `bench/families/instances.json`
describing every instance (family, parameters, threads, expected verdicts,
whether it belongs to the default run or only to `--full`).

Stdlib only.  Usage: python3 bench/gen.py [--out DIR]

Granularity (docs/benchmarks.md): every shared read or write is one step in
both models (`counter += 1` is a load into a local, then a store), a lock
acquire is one step (`atomic { lock == 0 -> lock = 1 }`), a release one step,
`Thread.start()` is one step (`run`), `join()` is one step (waiting for the
thread's `done` flag).  Local computation is folded into the neighbouring
shared step (`d_step`), as weft folds it; a thread's `done` flag is set in the
same step as its last shared access (weft's thread ends with its last step).
Loops with a static trip count are unrolled in Promela (weft's loop counter
is a local, so the program counter plays the same role).
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- helpers


def yaml_block(text, indent=2):
    pad = " " * indent
    return "".join(pad + line + "\n" if line.strip() else "\n" for line in text.rstrip("\n").split("\n"))


def scenario_yaml(name, description, program, final=(), expect="clean", atomic=()):
    out = [f"name: {name}\n", "description: |\n", yaml_block(description), "program: |\n", yaml_block(program)]
    if final:
        out.append("final:\n")
        for f in final:
            out.append(f"  - {f}\n")
    if atomic:
        out.append("atomic: [" + ", ".join(atomic) + "]\n")
    if expect == "clean":
        out.append("expect: clean\n")
    else:
        out.append("expect:\n")
        for e in expect:
            out.append(f"  - {e}\n")
    return "".join(out)


def promela_init(nthreads, run_calls, final_asserts=(), prelude=""):
    """init: start every thread (one `run` each), join each in order (wait for
    its done flag), then check the final assertions in one step."""
    lines = ["init {"]
    if prelude:
        lines.append("  " + prelude)
    for call in run_calls:
        lines.append(f"  run {call};")
    for i in range(nthreads):
        lines.append(f"  done[{i}];")
    if final_asserts:
        lines.append("  d_step { " + " ".join(f"assert({a});" for a in final_asserts) + " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def last_with_done(stmt, tid="id"):
    """Fold `done[id] = 1` into a thread's last step."""
    return f"d_step {{ {stmt}; done[{tid}] = 1 }}"


# ---------------------------------------------------------------- families
# Each family function returns a dict: yaml, pml, threads (worker threads,
# main excluded), expect (weft), spin_expect ({"deadlock": bool,
# "assertion": bool}).


def counter(T, K, locked):
    name = f"counter-{'lock' if locked else 'nolock'}-{T}x{K}"
    body = ("        with lock:\n            counter += 1\n" if locked else "        counter += 1\n")
    program = (
        "import threading\n\n"
        + ("lock = threading.Lock()\n" if locked else "")
        + "counter = 0\n\n"
        "def work():\n"
        "    global counter\n"
        f"    for _ in range({K}):\n"
        + body
        + "\n"
        f"threads = [threading.Thread(target=work) for _ in range({T})]\n"
        "for t in threads:\n"
        "    t.start()\n"
        "for t in threads:\n"
        "    t.join()\n"
    )
    final = [f"counter == {T * K}"]
    if locked:
        expect = "clean"
        desc = f"{T} threads each add 1 to a shared counter {K} times under a Lock."
    else:
        expect = ["data-race: counter", "assertion"]
        desc = f"{T} threads each add 1 to a shared counter {K} times with no lock (lost updates)."
    steps = []
    for _ in range(K):
        if locked:
            steps += ["atomic { lock == 0 -> lock = 1 }", "tmp = counter", "d_step { counter = tmp + 1; tmp = 0 }", "lock = 0"]
        else:
            steps += ["tmp = counter", "d_step { counter = tmp + 1; tmp = 0 }"]
    last = steps.pop()
    if last.startswith("d_step {"):
        last = last[:-1].rstrip() + "; done[id] = 1 }"
    else:
        last = last_with_done(last)
    steps.append(last)
    pml = (
        f"/* {name}: {desc} */\n"
        f"byte counter = 0;\n"
        + ("bit lock = 0;\n" if locked else "")
        + f"bit done[{T}];\n\n"
        "proctype work(byte id) {\n  byte tmp;\n"
        + "".join(f"  {s};\n" for s in steps)
        + "}\n\n"
        + promela_init(T, [f"work({i})" for i in range(T)], [f"counter == {T * K}"])
    )
    return dict(
        name=name,
        yaml=scenario_yaml(name, desc, program, final, expect),
        pml=pml,
        threads=T,
        identical=T,
        expect=expect,
        spin_expect={"deadlock": False, "assertion": not locked},
    )


def workers(T, K):
    """The locked counter written the symmetric way: T identical workers
    started without keeping their handles; the program ends when all have
    ended, and `final` is checked then.  Promela: init waits for every
    `done` flag in one guard (no join order)."""
    name = f"workers-lock-{T}x{K}"
    program = (
        "import threading\n\n"
        "lock = threading.Lock()\n"
        "counter = 0\n\n"
        "def work():\n"
        "    global counter\n"
        f"    for _ in range({K}):\n"
        "        with lock:\n"
        "            counter += 1\n"
        "\n"
        f"for _ in range({T}):\n"
        "    threading.Thread(target=work).start()\n"
    )
    final = [f"counter == {T * K}"]
    desc = (f"{T} identical workers each add 1 to a shared counter {K} times under a Lock, "
            "started without keeping their handles (symmetry reduction applies).")
    steps = []
    for _ in range(K):
        steps += ["atomic { lock == 0 -> lock = 1 }", "tmp = counter", "d_step { counter = tmp + 1; tmp = 0 }", "lock = 0"]
    steps[-1] = last_with_done(steps[-1])
    all_done = " && ".join(f"done[{i}]" for i in range(T))
    pml = (
        f"/* {name}: {desc} */\n"
        f"byte counter = 0;\nbit lock = 0;\nbit done[{T}];\n\n"
        "proctype work(byte id) {\n  byte tmp;\n"
        + "".join(f"  {s};\n" for s in steps)
        + "}\n\n"
        "init {\n"
        + "".join(f"  run work({i});\n" for i in range(T))
        + f"  ({all_done});\n"
        + f"  d_step {{ assert(counter == {T * K}); }}\n"
        "}\n"
    )
    return dict(
        name=name,
        yaml=scenario_yaml(name, desc, program, final, "clean"),
        pml=pml,
        threads=T,
        identical=T,
        expect="clean",
        spin_expect={"deadlock": False, "assertion": False},
    )


def philosophers(N, ordered):
    name = f"philosophers{'-ordered' if ordered else ''}-{N}"
    pairs = []
    for i in range(N):
        l, r = i, (i + 1) % N
        if ordered:
            l, r = min(l, r), max(l, r)
        pairs.append((l, r))
    program = "import threading\n\n"
    for i in range(N):
        program += f"fork{i} = threading.Lock()\n"
    program += "ate = [" + ", ".join("0" for _ in range(N)) + "]\n\n"
    program += (
        "def philosopher(i, first, second):\n"
        "    with first:\n"
        "        with second:\n"
        "            ate[i] = 1\n\n"
        "philosophers = [\n"
    )
    for i, (l, r) in enumerate(pairs):
        program += f"    threading.Thread(target=philosopher, args=({i}, fork{l}, fork{r})),\n"
    program += "]\nfor p in philosophers:\n    p.start()\nfor p in philosophers:\n    p.join()\n"
    final = [f"sum(ate) == {N}"]
    if ordered:
        expect = "clean"
        desc = f"{N} dining philosophers, each taking the lower-numbered fork first: no cycle."
    else:
        expect = ["lock-order-cycle: [" + ", ".join(f"fork{i}" for i in range(N)) + "]", "deadlock"]
        desc = f"{N} dining philosophers, each taking the left fork then the right one: deadlock."
    pml = (
        f"/* {name}: {desc} */\n"
        f"bit fork[{N}];\nbit ate[{N}];\nbit done[{N}];\n\n"
        "proctype philosopher(byte id; byte first; byte second) {\n"
        "  atomic { fork[first] == 0 -> fork[first] = 1 };\n"
        "  atomic { fork[second] == 0 -> fork[second] = 1 };\n"
        "  ate[id] = 1;\n"
        "  fork[second] = 0;\n"
        "  d_step { fork[first] = 0; done[id] = 1 }\n"
        "}\n\n"
        + promela_init(
            N,
            [f"philosopher({i}, {l}, {r})" for i, (l, r) in enumerate(pairs)],
            ["(" + " + ".join(f"ate[{i}]" for i in range(N)) + f") == {N}"],
        )
    )
    return dict(
        name=name,
        yaml=scenario_yaml(name, desc, program, final, expect),
        pml=pml,
        threads=N,
        expect=expect,
        spin_expect={"deadlock": not ordered, "assertion": False},
    )


BB_ITEMS = 2  # items each producer puts


def bounded_buffer(P, C, cap):
    name = f"bounded-buffer-{P}-{C}-{cap}"
    total = P * BB_ITEMS
    assert total % C == 0
    per_consumer = total // C
    desc = (
        f"{P} producers put {BB_ITEMS} items each into a buffer of capacity {cap}; {C} consumers take "
        f"{per_consumer} each. One Lock, two Conditions on it (not_full, not_empty), `while` re-checks, notify()."
    )
    program = (
        "import threading\n\n"
        f"CAP = {cap}\n"
        "lock = threading.Lock()\n"
        "not_full = threading.Condition(lock)\n"
        "not_empty = threading.Condition(lock)\n"
        "buf = []\n"
        "consumed = 0\n\n"
        "def producer(n):\n"
        "    for i in range(n):\n"
        "        with not_full:\n"
        "            while len(buf) >= CAP:\n"
        "                not_full.wait()\n"
        "            buf.append(i)\n"
        "            not_empty.notify()\n\n"
        "def consumer(n):\n"
        "    global consumed\n"
        "    for _ in range(n):\n"
        "        with not_empty:\n"
        "            while not buf:\n"
        "                not_empty.wait()\n"
        "            buf.pop(0)\n"
        "            consumed += 1\n"
        "            not_full.notify()\n\n"
        "threads = (\n"
        f"    [threading.Thread(target=producer, args=({BB_ITEMS},)) for _ in range({P})]\n"
        f"    + [threading.Thread(target=consumer, args=({per_consumer},)) for _ in range({C})]\n"
        ")\n"
        "for t in threads:\n"
        "    t.start()\n"
        "for t in threads:\n"
        "    t.join()\n"
    )
    final = [f"consumed == {total}", "buf == []"]
    n = P + C
    # Promela: the buffer is a FIFO channel of capacity cap guarded by `lock`
    # (len(buf) is one shared read, append/pop one shared write each, as in weft
    # where container methods are one step). A Condition is a FIFO channel of
    # waiting thread ids: wait() = enqueue + release (one step), then block
    # until notified AND the lock is free, re-acquiring in the same step.
    # notify() wakes the longest-waiting thread (FIFO, as CPython and weft).
    def unrolled(call, k):
        body = ""
        for i in range(k):
            body += f"  {call.format(i=i)};\n"
            body += "  d_step { lock = 0; done[id] = 1 }\n" if i == k - 1 else "  lock = 0;\n"
        return body

    prod_body = unrolled("produce({i})", BB_ITEMS)
    cons_body = unrolled("consume()", per_consumer)
    pml = f"""/* {name}: {desc} */
#define NT {n}
chan buf = [{cap}] of {{ byte }};
byte consumed = 0;
bit lock = 0;
chan q_not_full = [NT] of {{ byte }};
chan q_not_empty = [NT] of {{ byte }};
bit notified[NT];
bit done[NT];

inline acquire() {{ atomic {{ lock == 0 -> lock = 1 }} }}
inline wait(q) {{
  d_step {{ q!id; lock = 0 }};
  d_step {{ notified[id] == 1 && lock == 0 -> notified[id] = 0; lock = 1 }}
}}
inline notify(q) {{
  d_step {{ if :: nempty(q) -> q?w; notified[w] = 1; w = 0 :: empty(q) -> skip fi }}
}}

inline produce(v) {{
  acquire();
  do
  :: len(buf) >= {cap} -> wait(q_not_full)
  :: len(buf) < {cap} -> break
  od;
  buf!v;
  notify(q_not_empty)
}}

inline consume() {{
  acquire();
  do
  :: len(buf) == 0 -> wait(q_not_empty)
  :: len(buf) > 0 -> break
  od;
  atomic {{ buf?x; x = 0 }};
  tmp = consumed;
  d_step {{ consumed = tmp + 1; tmp = 0 }};
  notify(q_not_full)
}}

/* loops unrolled: the last release also sets done (the thread ends with its last step) */
proctype producer(byte id) {{
  byte w;
{prod_body}}}

proctype consumer(byte id) {{
  byte w; byte x; byte tmp;
{cons_body}}}

"""
    runs = [f"producer({i})" for i in range(P)] + [f"consumer({P + j})" for j in range(C)]
    pml += promela_init(n, runs, [f"consumed == {total}", "len(buf) == 0"])
    return dict(
        name=name,
        yaml=scenario_yaml(name, desc, program, final, "clean"),
        pml=pml,
        threads=n,
        expect="clean",
        spin_expect={"deadlock": False, "assertion": False},
    )


def readers(n):
    name = f"readers-{n}"
    desc = f"readers({n}) from the DPOR literature: {n} readers and one writer of one variable x, unsynchronised."
    program = (
        "import threading\n\n"
        "x = 0\n\n"
        "def reader():\n"
        "    v = x\n\n"
        "def writer():\n"
        "    global x\n"
        "    x = 1\n\n"
        f"threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range({n})]\n"
        "for t in threads:\n"
        "    t.start()\n"
        "for t in threads:\n"
        "    t.join()\n"
    )
    expect = ["data-race: x"]
    pml = (
        f"/* {name}: {desc} */\n"
        f"byte x = 0;\nbit done[{n + 1}];\n\n"
        "proctype writer(byte id) {\n  d_step { x = 1; done[id] = 1 }\n}\n\n"
        "proctype reader(byte id) {\n  byte v;\n  d_step { v = x; v = 0; done[id] = 1 }\n}\n\n"
        + promela_init(n + 1, ["writer(0)"] + [f"reader({i + 1})" for i in range(n)])
    )
    return dict(
        name=name,
        yaml=scenario_yaml(name, desc, program, (), expect),
        pml=pml,
        threads=n + 1,
        identical=n,
        expect=expect,
        spin_expect={"deadlock": False, "assertion": False},
    )


def lastzero(n):
    name = f"lastzero-{n}"
    desc = (
        f"lastzero({n}) from Abdulla et al. (Optimal DPOR): array[0..{n}] of zeros; thread 0 scans "
        f"down from array[{n}] for the last zero; thread j (1..{n}) sets array[j] = array[j-1] + 1."
    )
    program = (
        "import threading\n\n"
        f"N = {n}\n"
        "array = [" + ", ".join("0" for _ in range(n + 1)) + "]\n\n"
        "def scanner():\n"
        "    i = N\n"
        "    while array[i] != 0:\n"
        "        i -= 1\n\n"
        "def writer(j):\n"
        "    array[j] = array[j - 1] + 1\n\n"
        "threads = [threading.Thread(target=scanner)] + [threading.Thread(target=writer, args=(j,)) for j in range(1, N + 1)]\n"
        "for t in threads:\n"
        "    t.start()\n"
        "for t in threads:\n"
        "    t.join()\n"
    )
    expect = ["data-race: array"]
    pml = (
        f"/* {name}: {desc} */\n"
        f"byte array[{n + 1}];\nbit done[{n + 1}];\n\n"
        f"proctype scanner(byte id) {{\n  byte i = {n};\n"
        "  do\n"
        "  :: d_step { array[i] != 0 -> i-- }\n"
        "  :: d_step { array[i] == 0 -> i = 0; done[id] = 1 }; break\n"
        "  od\n}\n\n"
        "proctype writer(byte id) {\n  byte tmp;\n"
        "  tmp = array[id - 1];\n"
        "  d_step { array[id] = tmp + 1; tmp = 0; done[id] = 1 }\n}\n\n"
        + promela_init(n + 1, ["scanner(0)"] + [f"writer({j})" for j in range(1, n + 1)])
    )
    return dict(
        name=name,
        yaml=scenario_yaml(name, desc, program, (), expect),
        pml=pml,
        threads=n + 1,
        expect=expect,
        spin_expect={"deadlock": False, "assertion": False},
    )


IDX_SIZE = 128
IDX_MAX = 4


def indexer(n):
    name = f"indexer-{n}"
    desc = (
        f"indexer({n}) from Flanagan & Godefroid (DPOR, POPL 2005): {n} threads each insert {IDX_MAX} "
        f"messages w = 11*m + tid into a hash table of size {IDX_SIZE} at h = 7*w % {IDX_SIZE}, probing "
        "linearly on collision. The compare-and-set is one atomic step: `table.setdefault(h, w)` on a dict "
        "(one container call, atomic under the GIL; an absent key plays the role of 0)."
    )
    program = (
        "import threading\n\n"
        f"SIZE = {IDX_SIZE}\n"
        f"MAX = {IDX_MAX}\n"
        "table = {}\n\n"
        "def worker(tid):\n"
        "    for m in range(1, MAX + 1):\n"
        "        w = m * 11 + tid\n"
        "        h = (w * 7) % SIZE\n"
        "        while table.setdefault(h, w) != w:   # CAS(table[h], empty, w)\n"
        "            h = (h + 1) % SIZE\n\n"
        f"threads = [threading.Thread(target=worker, args=(tid,)) for tid in range({n})]\n"
        "for t in threads:\n"
        "    t.start()\n"
        "for t in threads:\n"
        "    t.join()\n"
    )
    final = [f"len(table) == {n * IDX_MAX}"]
    pml = (
        f"/* {name}: {desc} */\n"
        f"#define SIZE {IDX_SIZE}\n"
        f"byte table[SIZE];\nbit done[{n}];\n\n"
        "proctype worker(byte id) {\n"
        "  byte m = 1; byte w; byte h;\n"
        "  d_step { w = m * 11 + id; h = (w * 7) % SIZE }\n"
        "  do\n"
        "  /* CAS(table[h], 0, w): one atomic step; local work folded in */\n"
        "  :: d_step { table[h] != 0 -> h = (h + 1) % SIZE }\n"
        f"  :: d_step {{ table[h] == 0 && m < {IDX_MAX} -> table[h] = w; m++; w = m * 11 + id; h = (w * 7) % SIZE }}\n"
        f"  :: d_step {{ table[h] == 0 && m == {IDX_MAX} -> table[h] = w; m = 0; w = 0; h = 0; done[id] = 1 }}; break\n"
        "  od\n}\n\n"
        + promela_init(
            n,
            [f"worker({i})" for i in range(n)],
            ["(" + " + ".join(f"(table[{h}] != 0)" for h in range(IDX_SIZE)) + f") == {n * IDX_MAX}"],
        )
    )
    return dict(
        name=name,
        yaml=scenario_yaml(name, desc, program, final, "clean"),
        pml=pml,
        threads=n,
        expect="clean",
        spin_expect={"deadlock": False, "assertion": False},
    )


# ---------------------------------------------------------------- instances
# (family, builder, args, full_only, max_states guard for weft)

INSTANCES = [
    ("counter-nolock", counter, (2, 2, False), False, None),
    ("counter-nolock", counter, (3, 3, False), False, None),
    ("counter-nolock", counter, (4, 3, False), False, 5_000_000),
    ("counter-nolock", counter, (4, 4, False), True, 20_000_000),
    ("counter-lock", counter, (2, 2, True), False, None),
    ("counter-lock", counter, (4, 3, True), False, 5_000_000),
    ("counter-lock", counter, (6, 5, True), True, 20_000_000),
    ("workers-lock", workers, (3, 3), False, None),
    ("workers-lock", workers, (4, 3), False, None),
    ("workers-lock", workers, (5, 3), False, None),
    ("workers-lock", workers, (6, 2), False, None),
    ("workers-lock", workers, (6, 3), True, 20_000_000),
    ("philosophers", philosophers, (3, False), False, None),
    ("philosophers", philosophers, (4, False), False, None),
    ("philosophers", philosophers, (5, False), False, None),
    ("philosophers", philosophers, (6, False), False, 5_000_000),
    ("philosophers-ordered", philosophers, (3, True), False, None),
    ("philosophers-ordered", philosophers, (4, True), False, None),
    ("philosophers-ordered", philosophers, (5, True), False, None),
    ("philosophers-ordered", philosophers, (6, True), False, 5_000_000),
    ("bounded-buffer", bounded_buffer, (1, 1, 1), False, None),
    ("bounded-buffer", bounded_buffer, (2, 2, 1), False, 5_000_000),
    ("bounded-buffer", bounded_buffer, (2, 2, 2), False, 5_000_000),
    ("readers", readers, (2,), False, None),
    ("readers", readers, (3,), False, None),
    ("readers", readers, (4,), False, None),
    ("readers", readers, (6,), False, None),
    ("lastzero", lastzero, (2,), False, None),
    ("lastzero", lastzero, (3,), False, None),
    ("lastzero", lastzero, (4,), False, None),
    ("lastzero", lastzero, (5,), False, 5_000_000),
    ("indexer", indexer, (5,), False, 500_000),
    ("indexer", indexer, (10,), True, 20_000_000),
    ("indexer", indexer, (15,), True, 20_000_000),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "families"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    index = []
    for family, build, params, full_only, max_states in INSTANCES:
        inst = build(*params)
        name = inst["name"]
        with open(os.path.join(args.out, name + ".yaml"), "w") as f:
            f.write(inst["yaml"])
        with open(os.path.join(args.out, name + ".pml"), "w") as f:
            f.write(inst["pml"])
        index.append(
            dict(
                name=name,
                family=family,
                params=list(p for p in params if not isinstance(p, bool)),
                threads=inst["threads"],
                # worker threads with the same target and arguments
                identical=inst.get("identical", 1),
                full_only=full_only,
                max_states=max_states,
                expect=inst["expect"],
                spin_expect=inst["spin_expect"],
            )
        )
    with open(os.path.join(args.out, "instances.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    print(f"wrote {len(index)} instances to {os.path.relpath(args.out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
