#!/usr/bin/env python3
"""Run a weft scenario's program under CPython many times and dump each run.

    python3 tests/cpython/oracle.py SCENARIO.yaml [--runs N] [--timeout SECS]
        [--yield-prob P] [--jobs J] [--seed S] [--unordered NAME ...]

The machine-readable sibling of run_scenario.py (whose YAML reader it
reuses), for the CPython oracle in crates/weft-oracle. Each run is a fresh
subprocess with sys.setswitchinterval(1e-6) and random time.sleep(0) yields
injected at line and opcode events through sys.settrace, exactly as
run_scenario.py does. Prints one JSON object to stdout:

    {"scenario": PATH, "runs": [RUN, ...]}

where each RUN is one of
    {"hang": true}                            killed after --timeout seconds
    {"crash": RC, "stderr": "..."}            the harness itself failed
    {"globals": {NAME: REPR}, "exceptions": [TYPE_NAME, ...]}

`globals` holds repr() of every module global at program end (after the
non-daemon threads are joined, as CPython does at exit), leaving out
modules, functions, classes and dunder names; `exceptions` holds the type
names (__name__) of the uncaught exceptions of every thread, main included.
A dict bound to an --unordered global is dumped with its entries sorted by
repr(key), as weft shows a dict whose insertion order no code can see.
"""

import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_scenario import apply_params, read_scenario  # noqa: E402

CHILD = r'''
import json, os, random, sys, threading, time, types
cfg = json.loads(sys.stdin.read())
random.seed(cfg["seed"])
sys.setswitchinterval(1e-6)
FILENAME = "<scenario>"
P = cfg["yield_prob"]
UNORDERED = set(cfg.get("unordered", []))
G = {"__name__": "__main__", "__file__": FILENAME}
exceptions = []
_sleep = time.sleep
_rand = random.random

# At program end (main done, non-daemon threads joined) the daemon threads
# are abandoned where they are (weft's semantics): they park at their next
# traced event, so the globals dumped are those of that instant.
FROZEN = False
parked = set()
_forever = threading.Event()

def tracer(frame, event, arg):
    if frame.f_code.co_filename != FILENAME:
        return None
    if FROZEN and threading.current_thread() is not MAIN:
        parked.add(threading.get_ident())
        _forever.wait()
    if event == "return" and frame.f_code is code:
        end_of_main()
    if event == "call":
        frame.f_trace_opcodes = True
    elif event == "line":
        if _rand() < P:
            _sleep(0)
    elif event == "opcode":
        if _rand() < P / 4:
            _sleep(0)
    return tracer

MAIN = threading.main_thread()

def end_of_main():
    """The module's code returns: with no non-daemon thread left, that is the
    end of the program (checked again after joining them, below)."""
    global FROZEN
    if not any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not MAIN):
        FROZEN = True

def hook(args):
    if args.exc_type is SystemExit:
        return
    exceptions.append(args.exc_type.__name__)
threading.excepthook = hook

code = compile(cfg["program"], FILENAME, "exec")
threading.settrace(tracer)
sys.settrace(tracer)
try:
    exec(code, G)
except BaseException as e:
    sys.settrace(None)
    exceptions.append(type(e).__name__)
sys.settrace(None)
threading.settrace(None)
# CPython joins every non-daemon thread at exit (threading._shutdown).
while True:
    pending = [t for t in threading.enumerate()
               if t is not threading.main_thread() and not t.daemon and t.is_alive()]
    if not pending:
        break
    for t in pending:
        t.join()
if not FROZEN:
    FROZEN = True   # the last non-daemon thread just ended: close enough
deadline = time.monotonic() + 0.5
while time.monotonic() < deadline:
    alive = {t.ident for t in threading.enumerate()
             if t is not threading.main_thread() and t.is_alive()}
    if alive <= parked:
        break
    _sleep(0.001)
out = {}
for name, value in list(G.items()):
    if name.startswith("__") or isinstance(value, (types.ModuleType, types.FunctionType, type)):
        continue
    try:
        if name in UNORDERED and type(value) is dict:
            # weft keeps no insertion order for this dict: compare entries.
            entries = sorted((repr(k), repr(v)) for k, v in value.items())
            out[name] = "{" + ", ".join(k + ": " + v for k, v in entries) + "}"
        else:
            out[name] = repr(value)
    except Exception:
        out[name] = "<unrepresentable>"
sys.stdout.write("RESULT " + json.dumps({"globals": out, "exceptions": exceptions}) + "\n")
sys.stdout.flush()
os._exit(0)   # abandon daemon threads, as CPython does at exit
'''


def run_once(cfg, timeout):
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD],
            input=json.dumps(cfg), capture_output=True, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"hang": True}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return {"crash": proc.returncode, "stderr": proc.stderr[-2000:]}


def load_program(path):
    doc = read_scenario(path)
    program = doc.get("program")
    if program is None and doc.get("file"):
        with open(os.path.join(os.path.dirname(path), doc["file"]), encoding="utf-8") as f:
            program = f.read()
    if program is None and path.endswith(".py"):
        with open(path, encoding="utf-8") as f:
            program = f.read()
        doc = {}
    if program is None:
        raise SystemExit("no program: or file: in %s" % path)
    return apply_params(program, doc.get("params") or {})


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=3.0, help="seconds per run; longer = hang")
    ap.add_argument("--yield-prob", type=float, default=0.3)
    ap.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1) * 4)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--unordered", action="append", default=[], metavar="NAME",
                    help="a global whose dict is dumped with its entries sorted by repr(key)")
    args = ap.parse_args(argv)
    program = load_program(args.scenario)
    rng = random.Random(args.seed)
    cfgs = [{"program": program, "yield_prob": args.yield_prob, "seed": rng.randrange(1 << 30),
             "unordered": args.unordered}
            for _ in range(args.runs)]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        runs = list(ex.map(lambda c: run_once(c, args.timeout), cfgs))
    json.dump({"scenario": args.scenario, "runs": runs}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
