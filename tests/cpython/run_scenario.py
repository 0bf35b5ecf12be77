#!/usr/bin/env python3
"""Run a weft scenario's program under CPython many times, with noise.

    python3 tests/cpython/run_scenario.py SCENARIO.yaml... [--runs N]
        [--timeout SECS] [--yield-prob P] [--jobs J] [--seed S] [--verbose]

A sanity tool, not a checker: CPython runs only the interleavings its
scheduler happens to pick, so "never seen" proves nothing. It is useful to
confirm that a scenario's program is real Python that runs, to see the bugs a
scenario claims actually happen, and (later) as the seed of a CPython-oracle
test: every outcome CPython shows must be one weft also finds.

Each run is a fresh subprocess that
  * sets sys.setswitchinterval(1e-6),
  * injects random time.sleep(0) yields at line events of the program
    (sys.settrace / threading.settrace), with probability --yield-prob, and
    between bytecodes (opcode events) with a quarter of it, so that the load
    and the store of `x += 1` can be split (--lines-only turns that off),
  * records uncaught exceptions in any thread (threading.excepthook; the main
    thread's own exception too),
  * checks the `invariants:` expressions at every traced line event,
  * after the main program returns, joins the non-daemon threads (as CPython
    does at exit), evaluates the `final:` expressions in the program's
    globals and reports True/False plus the values of the names they use,
  * is killed after --timeout seconds: a hang (possible deadlock).

Dependency-free: it reads the simple YAML subset the scenarios use (top-level
keys, `program: |` block scalars, `file:`, `- item` lists and one-level
mappings for `params:`). It does not implement YAML.
"""

import argparse
import ast
import collections
import concurrent.futures
import json
import os
import random
import re
import subprocess
import sys

# --------------------------------------------------------------------------
# A tiny reader for the YAML subset of scenario files.
# --------------------------------------------------------------------------


def _scalar(text):
    """Interpret a plain or quoted YAML scalar (enough for params/lists)."""
    t = text.strip()
    if not t:
        return None
    if (t[0] == t[-1]) and t[0] in "\"'" and len(t) >= 2:
        inner = t[1:-1]
        return inner.replace("''", "'") if t[0] == "'" else bytes(inner, "utf-8").decode("unicode_escape")
    if t in ("null", "~", "None"):
        return None
    if t in ("true", "True"):
        return True
    if t in ("false", "False"):
        return False
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        pass
    return t


def _strip_comment(line):
    """Drop a ` # comment` outside quotes (good enough for our files)."""
    out, quote = [], None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        out.append(ch)
    return "".join(out).rstrip()


def read_scenario(path):
    """Return a dict of the top-level keys we need.

    program: str, file: str, final: [str], invariants: [str],
    params: {str: value}, expect: [str] (raw lines), name: str.
    """
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    doc = {}
    i = 0
    key_re = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(.*)$")
    while i < len(lines):
        line = lines[i]
        m = key_re.match(line)
        if not m:
            i += 1
            continue
        key, rest = m.group(1), _strip_comment(m.group(2)).strip()
        i += 1
        # Collect the indented body (or blank lines) that follows.
        body = []
        while i < len(lines) and (lines[i].strip() == "" or lines[i][:1] in (" ", "\t")):
            body.append(lines[i])
            i += 1
        while body and body[-1].strip() == "":
            body.pop()
        if rest.startswith("|") or rest.startswith(">"):
            # Block scalar: strip the common indentation of the first line.
            indent = None
            for b in body:
                if b.strip():
                    indent = len(b) - len(b.lstrip(" "))
                    break
            indent = indent or 0
            text = "\n".join(b[indent:] if b.strip() else "" for b in body) + "\n"
            doc[key] = text
        elif rest.startswith("[") and rest.endswith("]"):
            inner = rest[1:-1].strip()
            doc[key] = [_scalar(x) for x in inner.split(",")] if inner else []
        elif rest.startswith("{") and rest.endswith("}"):
            inner = rest[1:-1].strip()
            d = {}
            for part in inner.split(",") if inner else []:
                k, _, v = part.partition(":")
                d[k.strip()] = _scalar(v)
            doc[key] = d
        elif rest:
            doc[key] = _scalar(rest)
        else:
            items = [b for b in body if b.strip() and not b.strip().startswith("#")]
            if items and items[0].lstrip().startswith("- "):
                doc[key] = [_strip_comment(b.lstrip()[2:]).strip() for b in items
                            if b.lstrip().startswith("- ")]
                doc[key] = [_scalar(x) if key != "expect" else x for x in doc[key]]
            elif items:
                d = {}
                for b in items:
                    k, _, v = _strip_comment(b).strip().partition(":")
                    d[k.strip()] = _scalar(v)
                doc[key] = d
            else:
                doc[key] = None
    return doc


def apply_params(program, params):
    """Replace the value of top-level `NAME = ...` assignments."""
    if not params:
        return program
    out = []
    for line in program.split("\n"):
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)", line)
        if m and m.group(1) in params:
            line = "%s = %r" % (m.group(1), params[m.group(1)])
        out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------
# The child: runs the program once and prints one JSON line.
# --------------------------------------------------------------------------

CHILD = r'''
import json, os, random, sys, threading, time, traceback
cfg = json.loads(sys.stdin.read())
random.seed(cfg["seed"])
sys.setswitchinterval(1e-6)
FILENAME = "<scenario>"
P = cfg["yield_prob"]
OPCODES = cfg["opcodes"]
G = {"__name__": "__main__", "__file__": FILENAME}
result = {"exceptions": [], "invariant_failures": {}, "finals": {}, "values": {}}
invariants = [(s, compile(s, "<invariant>", "eval")) for s in cfg["invariants"]]
_sleep = time.sleep
_rand = random.random

def check_invariants():
    for src, code in invariants:
        try:
            ok = eval(code, G)
        except Exception:
            continue  # names not defined yet
        if not ok:
            result["invariant_failures"][src] = result["invariant_failures"].get(src, 0) + 1

def tracer(frame, event, arg):
    if frame.f_code.co_filename != FILENAME:
        return None
    if event == "call" and OPCODES:
        frame.f_trace_opcodes = True
    elif event == "line":
        if invariants:
            check_invariants()
        if _rand() < P:
            _sleep(0)
    elif event == "opcode":
        if _rand() < P / 4:
            _sleep(0)
    return tracer

def hook(args):
    if args.exc_type is SystemExit:
        return
    result["exceptions"].append({
        "thread": args.thread.name if args.thread else "?",
        "exc": "%s: %s" % (args.exc_type.__name__, args.exc_value),
    })
threading.excepthook = hook

code = compile(cfg["program"], FILENAME, "exec")
threading.settrace(tracer)
sys.settrace(tracer)
try:
    exec(code, G)
except BaseException as e:
    sys.settrace(None)
    result["exceptions"].append({"thread": "MainThread", "exc": "%s: %s" % (type(e).__name__, e)})
sys.settrace(None)
# CPython joins every non-daemon thread at exit.
while True:
    pending = [t for t in threading.enumerate()
               if t is not threading.main_thread() and not t.daemon and t.is_alive()]
    if not pending:
        break
    for t in pending:
        t.join()
if invariants:
    check_invariants()
for src in cfg["final"]:
    try:
        result["finals"][src] = bool(eval(src, G))
    except Exception as e:
        result["finals"][src] = "error: %s: %s" % (type(e).__name__, e)
for name in cfg["names"]:
    if name in G:
        try:
            result["values"][name] = repr(G[name])
        except Exception:
            result["values"][name] = "<unrepresentable>"
sys.stdout.write("RESULT " + json.dumps(result) + "\n")
sys.stdout.flush()
os._exit(0)   # abandon daemon threads, as CPython does at exit
'''


def names_in(exprs):
    names = set()
    for e in exprs:
        try:
            tree = ast.parse(e, mode="eval")
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in dir(__builtins__):
                names.add(node.id)
    return sorted(names)


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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--timeout", type=float, default=3.0, help="seconds per run; longer = hang")
    ap.add_argument("--yield-prob", type=float, default=0.3)
    ap.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1) * 2)
    ap.add_argument("--lines-only", action="store_true",
                    help="yield only at line events (default: also between bytecodes)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    status = 0
    for i, path in enumerate(args.scenarios):
        if i:
            print()
        status = max(status, run_scenario(path, args))
    return status


def run_scenario(path, args):
    args.scenario = path
    doc = read_scenario(args.scenario)
    program = doc.get("program")
    if program is None and doc.get("file"):
        with open(os.path.join(os.path.dirname(args.scenario), doc["file"]), encoding="utf-8") as f:
            program = f.read()
    if program is None and args.scenario.endswith(".py"):
        with open(args.scenario, encoding="utf-8") as f:
            program = f.read()
        doc = {}
    if program is None:
        print("no program: or file: in %s" % args.scenario, file=sys.stderr)
        return 2
    program = apply_params(program, doc.get("params") or {})
    finals = [str(x) for x in (doc.get("final") or [])]
    invariants = [str(x) for x in (doc.get("invariants") or [])]
    rng = random.Random(args.seed)
    base = {
        "program": program, "final": finals, "invariants": invariants,
        "names": names_in(finals + invariants), "yield_prob": args.yield_prob,
        "opcodes": not args.lines_only,
    }
    cfgs = [dict(base, seed=rng.randrange(1 << 30)) for _ in range(args.runs)]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        results = list(ex.map(lambda c: run_once(c, args.timeout), cfgs))

    hangs = sum(1 for r in results if r.get("hang"))
    crashes = [r for r in results if "crash" in r]
    done = [r for r in results if "finals" in r]
    exc = collections.Counter()
    for r in done:
        for e in r["exceptions"]:
            exc[e["exc"]] += 1
    print("scenario: %s" % args.scenario)
    print("expect:   %s" % (doc.get("expect") or "clean"))
    print("runs: %d   completed: %d   hangs (timeout %.1fs): %d   harness crashes: %d"
          % (len(results), len(done), args.timeout, hangs, len(crashes)))
    print("runs with an uncaught exception: %d" % sum(1 for r in done if r["exceptions"]))
    for text, n in exc.most_common():
        print("  exception %4dx  %s" % (n, text))
    for src in finals:
        c = collections.Counter(str(r["finals"].get(src)) for r in done)
        print("final  %-40s %s" % (src, dict(c)))
    for src in invariants:
        n = sum(1 for r in done if src in r["invariant_failures"])
        print("invariant %-37s violated in %d runs" % (src, n))
    for name in base["names"]:
        c = collections.Counter(r["values"].get(name, "<unset>") for r in done)
        print("value  %-12s %s" % (name, dict(c.most_common(8))))
    if crashes and (args.verbose or len(crashes) == len(results)):
        print("first crash stderr:\n" + crashes[0]["stderr"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
