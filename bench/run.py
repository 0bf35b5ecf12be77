#!/usr/bin/env python3
"""weft benchmark harness (docs/benchmarks.md).

Builds weft (release), regenerates bench/families/ (gen.py), installs SPIN
if missing, then for every instance measures, in one run:

  weft            weft check --format json --no-progress      (median of --runs;
                  reduction on, exact visited set, weft's default workers)
  weft-noreduce   the same with --no-reduction --workers 1     (median of --runs;
                  the single-core raw-speed comparison)
  weft-all        the same with --store-all: lone states stored too     (median of --runs)
  weft-sym        the same with --no-por --store-all: symmetry reduction alone (median of --runs)
  weft-fp         the same with --visited fingerprint          (median of --runs)
  weft-ref        the same with --engine reference             (median of --runs)
  spin            spin -a; gcc -O2 -DSAFETY; ./pan             (pan: median of --runs;
                  generate and compile timed separately, once)
  spin-noreduce   the same compiled with -DNOREDUCE            (raw-speed comparison)
  loom            weft check --engine loom --time-limit T      (once; <= 3 worker threads)

and the end-to-end time of every shipped scenario (scenarios/*.yaml).
Prints a table per instance, checks that weft's and SPIN's verdicts agree
(deadlock / assertion found or not) and that every weft column reports the
same verdict and findings as `weft`, and writes bench/results/latest.json
and bench/results/latest.md.  Stdlib only.
"""

import argparse
import datetime
import fnmatch
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FAMILIES = os.path.join(HERE, "families")
RESULTS = os.path.join(HERE, "results")
TIME = "/usr/bin/time"

# ------------------------------------------------------------------ utilities


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run_timed(cmd, cwd=None, timeout=None, env=None):
    """Run cmd under /usr/bin/time -v when available. Returns dict with
    rc, stdout, stderr, wall (s), rss_mb (peak), timed_out."""
    use_time = os.path.exists(TIME)
    full = ([TIME, "-v"] + cmd) if use_time else cmd
    t0 = time.perf_counter()
    try:
        p = subprocess.run(full, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        return dict(rc=None, stdout=e.stdout or "", stderr=e.stderr or "", wall=time.perf_counter() - t0,
                    rss_mb=None, timed_out=True)
    wall = time.perf_counter() - t0
    rss = None
    err = p.stderr if isinstance(p.stderr, str) else ""
    if use_time:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        if m:
            rss = int(m.group(1)) / 1024.0
        # wall stays the perf_counter measurement: /usr/bin/time rounds to 10 ms
    return dict(rc=p.returncode, stdout=p.stdout, stderr=err, wall=wall, rss_mb=rss, timed_out=False)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def med_run(samples):
    """Collapse repeated runs: the run whose wall time is the median, with
    every timing field replaced by its median."""
    ok = [s for s in samples if s]
    if not ok:
        return None
    ok.sort(key=lambda s: s.get("wall") or 0)
    rep = dict(ok[len(ok) // 2])
    for k in ("wall", "rss_mb", "explore_s", "sps"):
        rep[k] = median([s.get(k) for s in ok])
    rep["walls"] = [s.get("wall") for s in ok]
    rep["runs"] = len(ok)
    return rep


# ------------------------------------------------------------------ weft


# The weft columns: name -> extra arguments of `weft check`.  All run with the
# same guards (--max-states from instances.json, --time-limit) and timing.
WEFT_MODES = {
    "weft": [],                                      # the default: reduction on, exact, default workers
    "weft-noreduce": ["--no-reduction", "--workers", "1"],  # raw speed: single core, reduction off
    "weft-all": ["--store-all"],                      # the default, storing lone states too
    "weft-sym": ["--no-por", "--store-all"],          # symmetry reduction alone
    "weft-fp": ["--visited", "fingerprint"],          # memory: 128-bit fingerprints
    "weft-ref": ["--engine", "reference"],            # the unreduced reference explorer
}
WEFT_COLUMNS = list(WEFT_MODES)
TOOLS = WEFT_COLUMNS + ["spin", "spin-noreduce", "loom"]
# the weft columns whose verdict and findings must equal `weft`'s
CROSS_CHECKED = ["weft-all", "weft-noreduce", "weft-sym", "weft-fp", "weft-ref"]
# instances where the reduction factor (weft-ref states / weft states) is to be >= 10x
REDUCTION_TARGETS = {"counter-lock-4x3": 10, "philosophers-6": 10}
FP_TARGET_BPS = 16
# parallel speed-up: instances over 1 M states (with reductions on), run with
# --workers 1 and --workers 2; the target is >= 1.7x with identical results
PARALLEL_INSTANCES = ["counter-nolock-4x4"]
PARALLEL_TARGET = 1.7


def weft_supported_modes(weft):
    """Drop flags (and columns) the binary does not know, so that the harness
    still runs against an older weft."""
    h = subprocess.run([weft, "check", "--help"], capture_output=True, text=True).stdout
    modes = {}
    for name, extra in WEFT_MODES.items():
        flags = [x for x in extra if x.startswith("--")]
        missing = [f for f in flags if f not in h]
        if missing == ["--workers"]:  # an older single-threaded weft: already one core
            extra = [x for x in extra if x not in ("--workers", "1")]
        elif missing:
            log(f"  {name}: this weft has no {' '.join(missing)}; column skipped")
            continue
        modes[name] = extra
    return modes


def weft_once(weft, yaml, tool, extra, max_states, time_limit):
    cmd = [weft, "check", yaml, "--format", "json", "--no-progress"] + list(extra)
    if max_states and tool != "loom":
        cmd += ["--max-states", str(max_states)]
    if time_limit:
        cmd += ["--time-limit", str(time_limit)]
    r = run_timed(cmd, timeout=(time_limit or 600) + 60)
    out = dict(tool=tool, wall=r["wall"], rss_mb=r["rss_mb"], rc=r["rc"], args=" ".join(extra))
    if r["timed_out"]:
        out.update(status="timeout", complete=False)
        return out
    try:
        d = json.loads(r["stdout"])
        s = d["scenarios"][0]
    except Exception:
        out.update(status="error", complete=False, error=(r["stderr"] or r["stdout"])[-2000:])
        return out
    if s.get("error"):
        out.update(status="error", complete=False, error=s["error"].get("rendered") or s["error"].get("message"))
        return out
    ex = s["exploration"]
    st = ex["stats"]
    findings = s.get("findings", [])
    out.update(
        status=ex["status"],
        complete=bool(ex["complete"]),
        inconclusive=ex.get("inconclusive"),
        verdict=s["verdict"],
        states=st["states"],
        transitions=st["transitions"],
        bytes_per_state=st.get("bytes_per_state"),
        estimated_bytes=st.get("estimated_bytes"),
        explore_s=(st["elapsed_ms"] / 1000.0) if st.get("elapsed_ms") is not None else None,
        sps=st.get("states_per_second"),
        kinds=sorted({f["kind"] for f in findings}),
        findings=sorted(([f["kind"], f.get("subject")] for f in findings), key=lambda x: json.dumps(x)),
        schedules=sorted((f.get("counterexample") or {}).get("schedule") or "" for f in findings),
        mismatch=s.get("mismatch"),
        # newer stats fields; absent from older weft builds
        workers=st.get("workers"),
        visited=st.get("visited"),
        reduced=st.get("reduced"),
        proviso_full=st.get("proviso_full"),
        collision_bound=st.get("collision_bound"),
    )
    if tool == "loom":
        out["executions"] = st["states"]  # loom reports executions in the states field
        out["states"] = None
        out["transitions"] = None
        out["sps"] = None
    return out


# ------------------------------------------------------------------ spin


def ensure_spin():
    if shutil.which("spin"):
        return True, subprocess.run(["spin", "-V"], capture_output=True, text=True).stdout.strip()
    log("spin not found: installing the Debian package `spin` (apt-get install -y spin) ...")
    cmds = []
    if os.geteuid() == 0:
        cmds = [["apt-get", "install", "-y", "spin"], ["sh", "-c", "apt-get update && apt-get install -y spin"]]
    elif shutil.which("sudo"):
        cmds = [["sudo", "-n", "apt-get", "install", "-y", "spin"]]
    for c in cmds:
        try:
            p = subprocess.run(c, capture_output=True, text=True, timeout=600)
        except Exception as e:  # noqa: BLE001
            log(f"  {' '.join(c)}: {e}")
            continue
        if p.returncode == 0 and shutil.which("spin"):
            return True, subprocess.run(["spin", "-V"], capture_output=True, text=True).stdout.strip()
        log(f"  {' '.join(c)} failed (exit {p.returncode}): {p.stderr.strip()[-300:]}")
    log("*** SPIN is not available and could not be installed (needs root for apt-get);"
        " the SPIN columns are skipped. Install it with: sudo apt-get install -y spin ***")
    return False, None


def spin_build(pml, workdir, noreduce):
    os.makedirs(workdir, exist_ok=True)
    shutil.copy(pml, os.path.join(workdir, "model.pml"))
    t0 = time.perf_counter()
    p = subprocess.run(["spin", "-a", "model.pml"], cwd=workdir, capture_output=True, text=True)
    gen = time.perf_counter() - t0
    if p.returncode != 0:
        return dict(error="spin -a failed: " + (p.stdout + p.stderr)[-1000:])
    flags = ["-O2", "-DSAFETY", "-DMEMLIM=8192"] + (["-DNOREDUCE"] if noreduce else [])
    t0 = time.perf_counter()
    p = subprocess.run(["gcc", "-w"] + flags + ["-o", "pan", "pan.c"], cwd=workdir, capture_output=True, text=True)
    comp = time.perf_counter() - t0
    if p.returncode != 0:
        return dict(error="gcc failed: " + p.stderr[-1000:])
    return dict(generate_s=gen, compile_s=comp, flags=" ".join(flags))


def spin_once(workdir, timeout, noreduce, w=20):
    # -c0: do not stop at the first error (explore everything, as weft does);
    # -n: no unreached-code report; -m: search depth; -w: 2^w hash slots
    # (sized from a probe run so that tiny models do not pay for zeroing a
    # huge table and big ones do not run with an overfull one).
    r = run_timed(["./pan", "-m1000000", "-c0", "-n", f"-w{w}"], cwd=workdir, timeout=timeout)
    out = dict(tool="spin-noreduce" if noreduce else "spin", wall=r["wall"], rss_mb=r["rss_mb"], rc=r["rc"])
    if r["timed_out"]:
        out.update(status="timeout", complete=False)
        return out
    o = r["stdout"]
    g = lambda pat, conv=int: (conv(m.group(1)) if (m := re.search(pat, o)) else None)  # noqa: E731
    out.update(
        states=g(r"(\d+) states, stored"),
        transitions=g(r"(\d+) transitions \(= stored\+matched\)"),
        errors=g(r"errors: (\d+)"),
        depth=g(r"depth reached (\d+)"),
        state_vector=g(r"State-vector (\d+) byte"),
        explore_s=g(r"pan: elapsed time ([\d.e+-]+) seconds", float),
        memory_mb=g(r"([\d.]+)\s+total actual memory usage", float),
        deadlock=bool(re.search(r"pan:\d+:\s+invalid end state", o)),
        assertion=bool(re.search(r"pan:\d+:\s+assertion violated", o)),
        hash_w=w,
    )
    trunc = "max search depth too small" in o or "reached -DMEMLIM bound" in o or "out of memory" in o.lower()
    out["status"] = "incomplete" if trunc else ("complete" if out["states"] is not None else "error")
    out["complete"] = out["status"] == "complete"
    if out["status"] == "error":
        out["error"] = (o + r["stderr"])[-1000:]
    if out["states"] and out["explore_s"] and out["explore_s"] >= 0.05:  # pan's clock ticks in 10 ms
        out["sps"] = out["states"] / out["explore_s"]
    else:
        out["sps"] = None
    return out


# ------------------------------------------------------------------ reporting


def fmt_int(x):
    return "-" if x is None else f"{x:,}"


def fmt_f(x, nd=3):
    return "-" if x is None else f"{x:.{nd}f}"


def fmt_sps(x):
    return "-" if not x else f"{x:,.0f}"


def ratio(a, b, nd=2):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(x, prefix=""):
    return "-" if x is None else f"{prefix}{x:.3g}×"


def done(m):
    """The run explored everything (no limit, no timeout, no error)."""
    return bool(m and m.get("complete") and not m.get("inconclusive"))


def row_of(m):
    if m is None:
        return None
    status = m.get("status", "?")
    if m.get("inconclusive"):
        status = "limit"
    note = []
    if m["tool"].startswith("weft"):
        if m.get("inconclusive"):
            note.append(m["inconclusive"])
        if m.get("workers"):
            note.append(f"{m['workers']} worker{'s' if m['workers'] != 1 else ''}")
        if m.get("collision_bound") is not None:
            note.append(f"collision ≤ {m['collision_bound']:.1e}")
    if m["tool"].startswith("spin") and m.get("generate_s") is not None:
        note.append(f"gen {m['generate_s']:.2f}s + cc {m['compile_s']:.2f}s")
    if m["tool"] == "loom":
        note = [(f"{fmt_int(m.get('executions'))} executions; " + (m.get("inconclusive") or "complete")).strip()]
    if m.get("status") == "error" and m.get("error"):
        note.append(m["error"].strip().splitlines()[-1][:80])
    return [m["tool"], status, fmt_int(m.get("states")), fmt_int(m.get("transitions")), fmt_sps(m.get("sps")),
            fmt_f(m.get("rss_mb"), 1), fmt_f(m.get("wall")), bps(m), "; ".join(note)]


def bps(m):
    if m["tool"].startswith("weft") and m.get("bytes_per_state") and m.get("states"):
        return f"{m['bytes_per_state']:,}"
    if m["tool"].startswith("spin") and m.get("state_vector"):
        return f"{m['state_vector']} (vec)"
    return "-"


HEADER = ["tool", "status", "states", "transitions", "states/s", "peak MB", "wall s", "bytes/state", "note"]


def text_table(rows):
    w = [max(len(str(r[i])) for r in rows + [HEADER]) for i in range(len(HEADER))]
    line = lambda r: "  ".join(str(c).rjust(w[i]) if 2 <= i <= 7 else str(c).ljust(w[i]) for i, c in enumerate(r))  # noqa: E731
    return "\n".join([line(HEADER), line(["-" * x for x in w])] + [line(r) for r in rows])


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def verdict_check(inst, res):
    """weft vs SPIN (and vs the expectation) on deadlock/assertion."""
    w, s = res.get("weft"), res.get("spin")
    notes = []
    exp = inst["spin_expect"]
    if w and w.get("kinds") is not None:
        wk = {"deadlock": "deadlock" in w["kinds"], "assertion": "assertion" in w["kinds"]}
        if w.get("verdict") == "fail":
            notes.append(f"weft verdict FAIL against expect: {w.get('mismatch')}")
        if s and s.get("status") in ("complete", "incomplete"):
            sk = {"deadlock": s["deadlock"], "assertion": s["assertion"]}
            for k in ("deadlock", "assertion"):
                if wk[k] != sk[k] and (w.get("complete") or wk[k]) and (s.get("complete") or sk[k]):
                    notes.append(f"DISAGREEMENT on {k}: weft={wk[k]} spin={sk[k]}")
        for k in ("deadlock", "assertion"):
            if w.get("complete") and wk[k] != exp[k]:
                notes.append(f"weft {k}={wk[k]} but the family expects {exp[k]}")
    if s and s.get("status") == "complete":
        for k in ("deadlock", "assertion"):
            if s[k] != exp[k]:
                notes.append(f"SPIN {k}={s[k]} but the family expects {exp[k]}")
    return notes


def findings_of(m):
    return {json.dumps(f, sort_keys=True) for f in m["findings"]}


def cross_check(res):
    """Every other weft column against `weft`: the same verdict and the same
    findings (kind + subject).  Returns (problems, info): problems are `!!!!`
    lines; info says what could not be compared (both runs stopped early).

    When both runs are complete, verdict and findings must be equal.  When only
    one is, the other's findings must be among them (a partial exploration can
    miss a finding, never invent one).  Two partial runs are not compared."""
    problems, info = [], []
    w = res.get("weft")
    for k in CROSS_CHECKED:
        o = res.get(k)
        if not o:
            continue
        bad = [x for x in (w, o) if x and x.get("status") == "error"]
        if not w or bad:
            problems.append(f"{k} vs weft: not compared, " + (", ".join(f"{x['tool']} failed" for x in bad)
                                                             or "no weft run"))
            continue
        if w.get("findings") is None or o.get("findings") is None:
            info.append(f"{k}: no findings to compare ({'timeout' if 'timeout' in (w.get('status'), o.get('status')) else 'older results'})")
            continue
        fw, fo = findings_of(w), findings_of(o)
        if done(w) and done(o):
            diff = []
            if w.get("verdict") != o.get("verdict"):
                diff.append(f"verdict weft={w.get('verdict')} {k}={o.get('verdict')}")
            if fw - fo:
                diff.append("only in weft: " + ", ".join(sorted(fw - fo)))
            if fo - fw:
                diff.append(f"only in {k}: " + ", ".join(sorted(fo - fw)))
            if diff:
                problems.append(f"{k} DIFFERS from weft: " + "; ".join(diff))
        elif done(w) or done(o):
            full, part = (w, o) if done(w) else (o, w)
            extra = findings_of(part) - findings_of(full)
            if extra:
                problems.append(f"{part['tool']} (stopped early) reports findings that the complete "
                                f"{full['tool']} run does not: " + ", ".join(sorted(extra)))
            else:
                info.append(f"{k} vs weft: {part['tool']} stopped early; its findings are among the complete run's")
        else:
            info.append(f"{k} vs weft: not compared (both stopped early)")
    return problems, info


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser(description="weft benchmark harness (docs/benchmarks.md)")
    ap.add_argument("--full", action="store_true", help="also run the big instances (marked full-only)")
    ap.add_argument("--runs", type=int, default=3, help="repetitions per measurement; the median is reported (default 3)")
    ap.add_argument("--only", action="append", default=[], help="glob over instance names (repeatable)")
    ap.add_argument("--weft-modes", default=",".join(WEFT_COLUMNS),
                    help="comma-separated weft columns to run (default: all of " + ", ".join(WEFT_COLUMNS)
                    + "); `weft` always runs")
    ap.add_argument("--no-spin", action="store_true")
    ap.add_argument("--no-loom", action="store_true")
    ap.add_argument("--no-reference", action="store_true", help="skip the weft-ref column")
    ap.add_argument("--no-scenarios", action="store_true", help="skip timing the shipped scenarios/")
    ap.add_argument("--no-parallel", action="store_true", help="skip the parallel speed-up runs")
    ap.add_argument("--parallel", default=",".join(PARALLEL_INSTANCES),
                    help="comma-separated instances for the parallel speed-up runs, 1 and 2 workers (default "
                    + ", ".join(PARALLEL_INSTANCES) + ")")
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    ap.add_argument("--loom-time", type=float, default=20, help="loom --time-limit in seconds (default 20)")
    ap.add_argument("--loom-max-threads", type=int, default=3, help="run loom on instances with at most this many worker threads")
    ap.add_argument("--time-limit", type=float, default=None,
                    help="per-run time limit for weft and pan, seconds (default 120, --full 900)")
    ap.add_argument("--weft", default=None, help="path to a weft binary (implies --no-build)")
    ap.add_argument("--out", default=os.path.join(RESULTS, "latest"), help="results path prefix (.json/.md)")
    ap.add_argument("--render", metavar="JSON", help="only recompute ratios/targets/markdown from a results JSON")
    args = ap.parse_args()
    if args.render:
        return rerender(args.render)
    tl = args.time_limit or (900 if args.full else 120)
    wanted = {x.strip() for x in args.weft_modes.split(",") if x.strip()}
    unknown = wanted - set(WEFT_COLUMNS)
    if unknown:
        ap.error(f"--weft-modes: unknown column(s) {', '.join(sorted(unknown))}; known: {', '.join(WEFT_COLUMNS)}")
    wanted.add("weft")
    if args.no_reference:
        wanted.discard("weft-ref")

    # build
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    weft = args.weft or os.path.join(target, "release", "weft")
    if not args.weft and not args.no_build:
        log(f"building weft (release, CARGO_TARGET_DIR={target}) ...")
        p = subprocess.run(["cargo", "build", "--release", "-p", "weft"], cwd=REPO)
        if p.returncode != 0:
            sys.exit("cargo build failed")
    if not os.path.exists(weft):
        sys.exit(f"no weft binary at {weft}")
    modes = {k: v for k, v in weft_supported_modes(weft).items() if k in wanted}

    # generate
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py")], check=True)
    with open(os.path.join(FAMILIES, "instances.json")) as f:
        instances = json.load(f)
    if args.only:
        instances = [i for i in instances if any(fnmatch.fnmatch(i["name"], g) for g in args.only)]
    elif not args.full:
        instances = [i for i in instances if not i["full_only"]]

    have_spin, spin_version = (False, None) if args.no_spin else ensure_spin()
    gcc_version = (subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
                   if shutil.which("gcc") else None)
    weft_version = subprocess.run([weft, "--version"], capture_output=True, text=True).stdout.strip()

    meta = dict(
        date=datetime.datetime.now().isoformat(timespec="seconds"),
        host=platform.node(), cpus=os.cpu_count(), machine=platform.machine(),
        kernel=platform.release(), weft=weft_version, spin=spin_version, gcc=gcc_version,
        runs=args.runs, full=args.full, time_limit_s=tl, loom_time_limit_s=args.loom_time,
        weft_columns={k: " ".join(v) for k, v in modes.items()},
    )
    log(f"{len(instances)} instances, median of {args.runs} runs; weft={weft}; columns {', '.join(modes)}; "
        f"spin={spin_version or 'skipped'}")

    all_results = []
    md_sections = []
    disagreements = []
    tmp = tempfile.mkdtemp(prefix="weft-bench-")
    try:
        for inst in instances:
            name = inst["name"]
            yaml = os.path.join(FAMILIES, name + ".yaml")
            pml = os.path.join(FAMILIES, name + ".pml")
            log(f"\n=== {name}  ({inst['threads']} worker threads"
                + (f", weft --max-states {inst['max_states']:,}" if inst.get("max_states") else "") + ")")
            res = {}
            for col, extra in modes.items():
                res[col] = med_run([weft_once(weft, yaml, col, extra, inst.get("max_states"), tl)
                                    for _ in range(args.runs)])
            if have_spin:
                for noreduce in (False, True):
                    key = "spin-noreduce" if noreduce else "spin"
                    wd = os.path.join(tmp, name + ("-noreduce" if noreduce else ""))
                    b = spin_build(pml, wd, noreduce)
                    if "error" in b:
                        res[key] = dict(tool=key, status="error", error=b["error"], complete=False)
                        log(f"  {key}: {b['error']}")
                        continue
                    probe = spin_once(wd, tl, noreduce, 20)
                    hw = 20
                    if probe.get("states"):
                        hw = min(28, max(16, (2 * probe["states"]).bit_length()))
                    samples = [] if probe["status"] != "timeout" else [probe]
                    for _ in range(args.runs if probe["status"] != "timeout" else 0):
                        s = spin_once(wd, tl, noreduce, hw)
                        samples.append(s)
                        if s["status"] == "timeout":
                            break
                    m = med_run(samples)
                    m.update(b)
                    m["end_to_end_s"] = b["generate_s"] + b["compile_s"] + (m["wall"] or 0)
                    res[key] = m
            if not args.no_loom and inst["threads"] <= args.loom_max_threads:
                res["loom"] = weft_once(weft, yaml, "loom", ["--engine", "loom"], None, args.loom_time)
            res = {k: v for k, v in res.items() if v}

            text, md, notes, ratios = render_instance(inst, res)
            print(text, flush=True)
            for n in notes:
                disagreements.append("!!!! " + name + ": " + n)
            md_sections.append(md)
            all_results.append(dict(instance=inst, results=res, ratios=ratios, notes=notes))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # shipped scenarios: end-to-end time of `weft check FILE`
    scen = []
    if not args.no_scenarios:
        d = os.path.join(REPO, "scenarios")
        for fn in sorted(os.listdir(d)):
            if not fn.endswith((".yaml", ".yml", ".py")):
                continue
            samples = []
            for _ in range(max(args.runs, 3)):
                r = run_timed([weft, "check", os.path.join(d, fn), "--no-progress", "--format", "json"], timeout=120)
                samples.append(dict(tool="weft", wall=r["wall"], rss_mb=r["rss_mb"], rc=r["rc"]))
            m = med_run(samples)
            scen.append(dict(scenario=fn, wall=m["wall"], rss_mb=m["rss_mb"], rc=m["rc"]))
        worst = max(scen, key=lambda x: x["wall"]) if scen else None
        print("\n### shipped scenarios (weft check FILE, end to end, median)")
        for x in scen:
            flag = "" if x["wall"] < 0.1 else "   <-- over 100 ms"
            print(f"  {x['scenario']:45s} {x['wall'] * 1000:8.1f} ms  {fmt_f(x['rss_mb'], 1):>6s} MB  exit {x['rc']}{flag}")
        if worst:
            print(f"  worst: {worst['scenario']} {worst['wall'] * 1000:.1f} ms")

    # parallel speed-up: the same run on 1 and 2 workers
    parallel = []
    if not args.no_parallel:
        for name in [x.strip() for x in args.parallel.split(",") if x.strip()]:
            yaml = os.path.join(FAMILIES, name + ".yaml")
            if not os.path.exists(yaml):
                continue
            log(f"\n=== parallel: {name}, --workers 1 and 2")
            runs = {w: med_run([weft_once(weft, yaml, "weft", ["--workers", str(w)], None, max(tl, 300))
                                for _ in range(args.runs)]) for w in (1, 2)}
            parallel.append(parallel_entry(name, runs[1], runs[2]))
            print(parallel_line(parallel[-1]))
            if not parallel[-1]["identical"]:
                disagreements.append(f"!!!! {name}: --workers 2 differs from --workers 1")

    summary = targets_summary(all_results, scen, parallel)
    print("\n### standing against each target\n" + "\n".join("- " + s for s in summary))
    if disagreements:
        print("\n!!!!!!!! VERDICT PROBLEMS !!!!!!!!\n" + "\n".join(disagreements))

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out + ".json", "w") as f:
        json.dump(dict(meta=meta, instances=all_results, scenarios=scen, parallel=parallel, targets=summary,
                       disagreements=disagreements), f, indent=1, default=str)
        f.write("\n")
    write_markdown(args.out + ".md", meta, all_results, scen, summary, disagreements, md_sections)
    log(f"\nwrote {os.path.relpath(args.out)}.json and .md")
    return 1 if disagreements else 0


def parallel_entry(name, one, two):
    """One instance's 1-worker and 2-worker runs: speed-up and whether the
    results are identical (status, states, transitions, findings, schedules)."""
    keys = ("status", "states", "transitions", "findings", "schedules")
    return dict(
        instance=name, one=one, two=two,
        identical=all(one.get(k) == two.get(k) for k in keys) and done(one),
        speedup_explore=ratio(one.get("explore_s"), two.get("explore_s")),
        speedup_wall=ratio(one.get("wall"), two.get("wall")),
    )


def parallel_line(p):
    one, two = p["one"], p["two"]
    return (f"{p['instance']}: {fmt_int(one.get('states'))} states; exploration {fmt_f(one.get('explore_s'))} s "
            f"on 1 worker, {fmt_f(two.get('explore_s'))} s on 2 = {fmt_ratio(p['speedup_explore'])} "
            f"(wall {fmt_ratio(p['speedup_wall'])}); results "
            + ("identical (states, transitions, findings, counterexample schedules)" if p["identical"]
               else "DIFFERENT"))


def render_instance(inst, res):
    """(text, markdown, notes, ratios) for one instance's measurements."""
    name = inst["name"]
    for k in ("spin", "spin-noreduce"):  # pan's clock ticks in 10 ms: no rate below 50 ms
        m = res.get(k)
        if m and m.get("sps") and (m.get("explore_s") or 0) < 0.05:
            m["sps"] = None
    notes = verdict_check(inst, res)
    problems, info = cross_check(res)
    notes += problems
    w, nr, fp, r, s, sn, lo = (res.get(k) for k in ("weft", "weft-noreduce", "weft-fp", "weft-ref", "spin",
                                                   "spin-noreduce", "loom"))
    g = lambda m, k: m and m.get(k)  # noqa: E731
    ratios = dict(
        sps_noreduce_over_spin_noreduce=ratio(g(nr, "sps"), g(sn, "sps")),
        states_weft_over_spin=ratio(g(w, "states"), g(s, "states")),
        reduction_reference_over_weft=ratio(g(r, "states"), g(w, "states")),
        reduction_noreduce_over_weft=ratio(g(nr, "states"), g(w, "states")),
        reduction_spin=ratio(g(sn, "states"), g(s, "states")),
        bytes_per_state_weft=g(w, "bytes_per_state") or None,
        bytes_per_state_fp=g(fp, "bytes_per_state") or None,
        state_vector_spin=g(s, "state_vector"),
        wall_weft_over_reference=ratio(g(w, "wall"), g(r, "wall")),
        wall_weft_over_spin_pan=ratio(g(w, "wall"), g(s, "wall")),
        wall_weft_over_spin_end_to_end=ratio(g(w, "wall"), g(s, "end_to_end_s")),
        sps_reference_over_spin_noreduce=ratio(g(r, "sps"), g(sn, "sps")),
        loom_wall_over_weft_wall=ratio(g(lo, "wall"), g(w, "wall")),
        loom_complete=done(lo) if lo else None,
        symmetry_alone=ratio(g(nr, "states"), g(res.get("weft-sym"), "states")),
        cross_check=info,
    )
    inc = lambda *ms: "" if all(done(m) for m in ms if m) else " (incomplete)"  # noqa: E731
    parts = [
        f"states/s weft-noreduce/spin-noreduce {fmt_ratio(ratios['sps_noreduce_over_spin_noreduce'])}",
        f"states weft/spin {fmt_ratio(ratios['states_weft_over_spin'])}{inc(w, s) if s else ''}",
        f"reduction weft-ref/weft {fmt_ratio(ratios['reduction_reference_over_weft'])}{inc(w, r) if r else ''}"
        f" (SPIN NOREDUCE/POR {fmt_ratio(ratios['reduction_spin'])})",
        f"B/state weft {fmt_int(ratios['bytes_per_state_weft'])}, weft-fp {fmt_int(ratios['bytes_per_state_fp'])}, "
        f"SPIN vector {fmt_int(ratios['state_vector_spin'])}",
        f"wall weft/spin-end-to-end {fmt_ratio(ratios['wall_weft_over_spin_end_to_end'])}",
    ]
    if lo:
        parts.append(f"loom/weft wall {'≥ ' if not ratios['loom_complete'] else ''}"
                     f"{fmt_ratio(ratios['loom_wall_over_weft_wall'])}")
    rline = "ratios: " + "; ".join(parts)
    checked = [k for k in CROSS_CHECKED if k in res]
    if checked:
        rline += ("\ncross-check against weft (" + ", ".join(checked) + "): "
                  + ("DIFFERENCES, see !!!!" if problems else "same verdict and findings")
                  + "".join("; " + i for i in info))
    order = ["weft", "weft-all", "weft-noreduce", "weft-sym", "weft-fp", "weft-ref", "spin", "spin-noreduce", "loom"]
    rows = [row_of(res[k]) for k in order if k in res]
    text = f"\n### {name}\n" + text_table(rows) + "\n" + rline + "".join(f"\n!!!! {name}: {n}" for n in notes)
    md = (f"### {name}\n\n" + md_table(HEADER, rows) + "\n\n" + rline.replace("\n", "  \n") + "\n"
          + "".join(f"\n**!!! {n}**\n" for n in notes))
    return text, md, notes, ratios


def write_markdown(path, meta, all_results, scen, summary, disagreements, md_sections):
    cols = meta.get("weft_columns") or {}
    with open(path, "w") as f:
        f.write(f"# weft benchmark results\n\n`bench/run.sh{' --full' if meta['full'] else ''}`, {meta['date']}, "
                f"{meta['cpus']} CPUs, {meta['weft']}, {meta['spin'] or 'SPIN skipped'}, {meta['gcc']}; "
                f"median of {meta['runs']} runs; per-run limit {meta['time_limit_s']:g} s; "
                f"loom limit {meta['loom_time_limit_s']:g} s.\n\n")
        if cols:
            f.write("weft columns: " + "; ".join(f"`{k}` = `weft check{(' ' + v) if v else ''}`"
                                                for k, v in cols.items()) + ".\n\n")
        f.write("`states/s` is states over the tool's own exploration time (weft's `elapsed_ms`, pan's "
                "`elapsed time`; `-` when pan reports < 50 ms). `wall s` and `peak MB` cover the whole "
                "process (`/usr/bin/time -v`). SPIN's `wall s` is pan alone; its note "
                "gives generate + compile. `bytes/state` is weft's own estimate; for SPIN the state vector. "
                "loom's status `limit` means it stopped at its time limit.\n\n")
        f.write("## Summary\n\n" + summary_table(all_results) + "\n\n## Standing against each target\n\n"
                + "\n".join("- " + s for s in summary) + "\n")
        if disagreements:
            f.write("\n## VERDICT PROBLEMS\n\n" + "\n".join("- " + d for d in disagreements) + "\n")
        if scen:
            f.write("\n## Shipped scenarios (end to end)\n\n" + md_table(
                ["scenario", "wall ms", "peak MB", "exit"],
                [[x["scenario"], f"{x['wall'] * 1000:.1f}", fmt_f(x["rss_mb"], 1), x["rc"]] for x in scen]) + "\n")
        f.write("\n## Per instance\n\n" + "\n".join(md_sections))


def rerender(path):
    """--render FILE.json: recompute ratios, targets and the markdown from raw results."""
    with open(path) as f:
        d = json.load(f)
    md_sections, disagreements = [], []
    for e in d["instances"]:
        text, md, notes, ratios = render_instance(e["instance"], e["results"])
        e["notes"], e["ratios"] = notes, ratios
        md_sections.append(md)
        disagreements += ["!!!! " + e["instance"]["name"] + ": " + n for n in notes]
        print(text)
    summary = targets_summary(d["instances"], d["scenarios"], d.get("parallel"))
    d["targets"], d["disagreements"] = summary, disagreements
    print("\n### standing against each target\n" + "\n".join("- " + s for s in summary))
    if disagreements:
        print("\n!!!!!!!! VERDICT PROBLEMS !!!!!!!!\n" + "\n".join(disagreements))
    with open(path, "w") as f:
        json.dump(d, f, indent=1, default=str)
        f.write("\n")
    write_markdown(path[:-5] + ".md", d["meta"], d["instances"], d["scenarios"], summary, disagreements, md_sections)
    return 1 if disagreements else 0


def summary_table(all_results):
    hdr = ["instance", "weft states", "weft-all states", "weft-noreduce states", "weft-ref states", "SPIN states (POR)",
           "SPIN states (NOREDUCE)", "weft-ref/weft", "weft-noreduce states/s (1 core)", "SPIN NOREDUCE states/s",
           "weft B/state", "weft-fp B/state", "SPIN vector B", "weft wall s", "SPIN gen+cc+pan s", "loom"]
    rows = []
    for e in all_results:
        r = e["results"]
        w, wa, nr, fp, rf, s, sn, lo = (r.get(k) or {} for k in ("weft", "weft-all", "weft-noreduce", "weft-fp",
                                                                 "weft-ref", "spin", "spin-noreduce", "loom"))
        mark = lambda m: "" if done(m) else " (" + ({None: "?", "complete": "incomplete"}.get(m.get("status"), m.get("status"))) + ")"  # noqa: E731
        loom = "-"
        if lo:
            loom = f"{lo.get('wall', 0):.1f} s" + ("" if done(lo) else " (limit)")
        red = ratio(rf.get("states"), w.get("states"))
        rows.append([
            e["instance"]["name"] + (" !!!" if e["notes"] else ""),
            fmt_int(w.get("states")) + mark(w) if w else "-",
            fmt_int(wa.get("states")) + mark(wa) if wa else "-",
            fmt_int(nr.get("states")) + mark(nr) if nr else "-",
            fmt_int(rf.get("states")) + mark(rf) if rf else "-",
            fmt_int(s.get("states")) + mark(s) if s else "-",
            fmt_int(sn.get("states")) + mark(sn) if sn else "-",
            fmt_ratio(red) + ("" if red is None or (done(w) and done(rf)) else " (incomplete)"),
            fmt_sps(nr.get("sps")), fmt_sps(sn.get("sps")),
            fmt_int(w.get("bytes_per_state") or None), fmt_int(fp.get("bytes_per_state") or None),
            fmt_int(s.get("state_vector")),
            fmt_f(w.get("wall")), fmt_f(s.get("end_to_end_s")), loom,
        ])
    return md_table(hdr, rows)


def verdict_word(ok):
    return "met" if ok else "MISSED"


def targets_summary(all_results, scen, parallel=None):
    """The standing against each target, one entry per target; an entry may
    carry per-instance sub-bullets (lines starting with '\\n  - ')."""
    out = []
    sub = lambda lines: "".join("\n  - " + x for x in lines)  # noqa: E731
    res = [(e["instance"]["name"], e["results"]) for e in all_results]

    # 1. raw speed: single core, reductions off on both sides
    have = [(n, r["weft-noreduce"], r["spin-noreduce"]) for n, r in res if r.get("weft-noreduce") and r.get("spin-noreduce")]
    pairs = [(n, w, s) for n, w, s in have if w.get("sps") and s.get("sps")]
    norate = [n for n, w, s in have if not (w.get("sps") and s.get("sps"))]
    if have:
        lines = []
        for n, w, s in pairs:
            q = w["sps"] / s["sps"]
            cores = "" if w.get("workers") in (None, 1) else f", weft ran {w['workers']} workers!"
            lines.append(f"{n}: {w['sps']:,.0f} vs {s['sps']:,.0f} states/s = {q:.3g}× ({verdict_word(q >= 1)}"
                         f"{'' if done(w) else ', weft-noreduce stopped early'}{cores})")
        if norate:
            lines.append("no ratio (pan explored < 50 ms, its clock has 10 ms ticks, or a run failed): "
                         + ", ".join(norate))
        head = "raw speed, single core, reductions off (weft --no-reduction --workers 1 states/s ≥ SPIN -DNOREDUCE states/s): "
        if pairs:
            ok = sum(1 for _, w, s in pairs if w["sps"] >= s["sps"])
            worst = min(pairs, key=lambda p: p[1]["sps"] / p[2]["sps"])
            best = max(pairs, key=lambda p: p[1]["sps"] / p[2]["sps"])
            head += (f"{verdict_word(ok == len(pairs))}, {ok}/{len(pairs)} instances with a SPIN rate; "
                     f"ratio {worst[1]['sps'] / worst[2]['sps']:.3g}× ({worst[0]}) to "
                     f"{best[1]['sps'] / best[2]['sps']:.3g}× ({best[0]})")
        else:
            head += "not measured (no instance where both have a rate)"
        out.append(head + sub(lines))

    # 2a. states stored, weft (POR) vs SPIN (POR)
    pairs = [(n, r["weft"], r["spin"]) for n, r in res if r.get("weft") and r.get("spin")
             and r["weft"].get("states") and r["spin"].get("states")]
    if pairs:
        lines = []
        for n, w, s in pairs:
            q = w["states"] / s["states"]
            lines.append(f"{n}: {w['states']:,} vs {s['states']:,} = {q:.3g}× "
                         f"({verdict_word(q <= 1 and done(w))}{'' if done(w) else ', weft stopped early'}"
                         f"{'' if done(s) else ', SPIN stopped early'})")
        ok = sum(1 for _, w, s in pairs if w["states"] <= s["states"] and done(w))
        worst = max(pairs, key=lambda p: p[1]["states"] / p[2]["states"])
        # The same with every state stored (--store-all): SPIN stores every
        # state it reaches, weft by default only those where executions branch.
        alls = [(n, r["weft-all"], r["spin"]) for n, r in res if r.get("weft-all") and r.get("spin")
                and r["weft-all"].get("states") and r["spin"].get("states")]
        also = ""
        if alls:
            ok_all = sum(1 for _, a, s in alls if a["states"] <= s["states"] and done(a))
            also = f"; with --store-all (lone states stored too) {ok_all}/{len(alls)}"
        out.append(f"states stored, weft (reduction on) ≤ SPIN (POR): {verdict_word(ok == len(pairs))}, "
                   f"{ok}/{len(pairs)} instances; worst {worst[0]} {worst[1]['states'] / worst[2]['states']:.3g}×"
                   + also + sub(lines))

    # 2b. reduction factor over the reference engine
    pairs = [(n, r["weft"], r["weft-ref"]) for n, r in res if r.get("weft") and r.get("weft-ref")
             and r["weft"].get("states") and r["weft-ref"].get("states")]
    if pairs:
        lines, tgt = [], []
        for n, w, rf in pairs:
            q = rf["states"] / w["states"]
            exact = done(w) and done(rf)
            t = REDUCTION_TARGETS.get(n)
            mark = ""
            if t:
                mark = f", target ≥ {t}×: " + (verdict_word(q >= t) if exact else "NOT MEASURED (a run stopped early)")
                tgt.append(f"{n} {q:.3g}× {'met' if exact and q >= t else 'MISSED' if exact else 'not measured'}")
            lines.append(f"{n}: {rf['states']:,} / {w['states']:,} = {q:.3g}×"
                         + ("" if exact else " (a run stopped early: not a reduction factor)") + mark)
        for n, t in REDUCTION_TARGETS.items():
            if not any(p[0] == n for p in pairs):
                tgt.append(f"{n} not run")
        qs = [p[2]["states"] / p[1]["states"] for p in pairs if done(p[1]) and done(p[2])]
        out.append("reduction factor, weft-ref states / weft states (target ≥ 10× on "
                   + " and ".join(REDUCTION_TARGETS) + "): " + "; ".join(tgt)
                   + (f"; range {min(qs):.3g}×–{max(qs):.3g}× over {len(qs)} complete instances" if qs else "")
                   + sub(lines))

    # 3. memory: bytes per state
    rows = []
    for n, r in res:
        w, fp, s = r.get("weft") or {}, r.get("weft-fp") or {}, r.get("spin") or {}
        if w.get("bytes_per_state") or fp.get("bytes_per_state") or s.get("state_vector"):
            rows.append((n, w, fp, s))
    if rows:
        lines = []
        for n, w, fp, s in rows:
            b = lambda v: f"{v:,} B" if v else "-"  # noqa: E731
            x = [f"weft {b(w.get('bytes_per_state'))}"]
            fb = fp.get("bytes_per_state")
            x.append(f"weft-fp {b(fb)}" + (f" ({verdict_word(fb <= FP_TARGET_BPS)})" if fb else "")
                     + (f", collision bound {fp['collision_bound']:.1e}" if fp.get("collision_bound") is not None else ""))
            x.append(f"SPIN state vector {b(s.get('state_vector'))}")
            for lab, m in (("weft", w), ("weft-fp", fp)):
                if m.get("rss_mb") and (m.get("states") or 0) >= 100_000:
                    x.append(f"{lab} RSS/state {m['rss_mb'] * 1048576 / m['states']:,.0f} B")
            lines.append(f"{n}: " + ", ".join(x))
        wb = [w["bytes_per_state"] for _, w, _, _ in rows if w.get("bytes_per_state")]
        fb = [(n, fp["bytes_per_state"]) for n, _, fp, _ in rows if fp.get("bytes_per_state")]
        sv = [s["state_vector"] for _, _, _, s in rows if s.get("state_vector")]
        head = "bytes per state: "
        head += f"weft (exact) {min(wb):,}–{max(wb):,} B" if wb else "weft (exact) -"
        if fb:
            ok = sum(1 for _, b in fb if b <= FP_TARGET_BPS)
            worst = max(fb, key=lambda x: x[1])
            head += (f"; weft-fp ≤ {FP_TARGET_BPS} B/state: {verdict_word(ok == len(fb))}, {ok}/{len(fb)} instances, "
                     f"range {min(b for _, b in fb):,}–{worst[1]:,} B (worst {worst[0]})")
        else:
            head += f"; weft-fp ≤ {FP_TARGET_BPS} B/state: not measured"
        head += f"; SPIN state vector {min(sv)}–{max(sv)} B" if sv else "; SPIN state vector -"
        out.append(head + " (weft's numbers are its own estimate, stats.bytes_per_state)" + sub(lines))

    # 2c. symmetry alone: weft-noreduce states / weft-sym states, against N! for N identical workers
    by_name = {e["instance"]["name"]: e["instance"] for e in all_results}
    pairs = [(n, r["weft-noreduce"], r["weft-sym"]) for n, r in res if r.get("weft-noreduce") and r.get("weft-sym")
             and r["weft-noreduce"].get("states") and r["weft-sym"].get("states")]
    if pairs:
        lines, best = [], None
        for n, nr, sy in pairs:
            k = by_name[n].get("identical", 1)
            if k < 2:
                continue
            q = nr["states"] / sy["states"]
            fact = 1
            for i in range(2, k + 1):
                fact *= i
            exact = done(nr) and done(sy)
            lines.append(f"{n}: {nr['states']:,} / {sy['states']:,} = {q:.3g}× with {k} identical workers "
                         f"({k}! = {fact}; {q / fact:.0%} of it)"
                         + ("" if exact else " (a run stopped early)")
                         + (" — handles kept in a list and joined in order: the workers are not interchangeable"
                            if q < 1.5 else ""))
            if exact and (best is None or q / fact > best[1]):
                best = (n, q / fact, q, fact)
        if lines:
            out.append("symmetry alone, weft-noreduce states / weft-sym states (target: approach N! on N identical "
                       "workers): " + (f"best {best[0]} {best[2]:.3g}× of {best[3]} ({best[1]:.0%})" if best else "-")
                       + sub(lines))

    # 4. end to end: shipped scenarios < 100 ms
    if scen:
        over = [x for x in scen if x["wall"] >= 0.1]
        worst = max(scen, key=lambda x: x["wall"])
        out.append(f"end to end < 100 ms for every shipped scenario: {verdict_word(not over)}, "
                   f"{len(scen) - len(over)}/{len(scen)}; worst {worst['scenario']} {worst['wall'] * 1000:.1f} ms")
    # 4b. < SPIN generate+compile+verify under 10 M states
    pairs = [(n, r.get("weft"), r.get("spin")) for n, r in res]
    pairs = [(n, w, s) for n, w, s in pairs if w and s and w.get("wall") and s.get("end_to_end_s")
             and s.get("states") is not None and s["states"] < 10_000_000]
    if pairs:
        ok = sum(1 for _, w, s in pairs if w["wall"] < s["end_to_end_s"] and w.get("complete"))
        worst = max(pairs, key=lambda p: p[1]["wall"] / p[2]["end_to_end_s"])
        out.append(f"weft wall < SPIN generate+compile+verify (instances under 10 M SPIN states): "
                   f"{verdict_word(ok == len(pairs))}, {ok}/{len(pairs)}; "
                   f"worst {worst[0]}: {worst[1]['wall']:.3f} s vs {worst[2]['end_to_end_s']:.3f} s"
                   f"{' (weft incomplete)' if not worst[1].get('complete') else ''}")
    # 5. >= 100x faster than loom
    pairs = [(n, r.get("weft"), r.get("loom")) for n, r in res]
    pairs = [(n, w, l) for n, w, l in pairs if w and l and w.get("wall") and l.get("wall")]
    if pairs:
        descr = [f"{n} {'' if done(l) else '≥'}{l['wall'] / w['wall']:.0f}×" for n, w, l in pairs]
        ok = sum(1 for _, w, l in pairs if l["wall"] / w["wall"] >= 100)
        out.append(f"≥ 100× faster than loom: {verdict_word(ok == len(pairs))}, {ok}/{len(pairs)} (loom wall / weft wall; "
                   f"≥ = loom hit its time limit): " + ", ".join(descr))
    # 6. parallel
    if parallel:
        ok = sum(1 for p in parallel if p["identical"] and (p["speedup_explore"] or 0) >= PARALLEL_TARGET)
        out.append(f"parallel speed-up ≥ {PARALLEL_TARGET}× on 2 workers with identical results (instances over "
                   f"1 M states): {verdict_word(ok == len(parallel))}, {ok}/{len(parallel)}"
                   + sub(parallel_line(p) for p in parallel))
    else:
        out.append("parallel speed-up: not measured (--no-parallel)")
    return out


if __name__ == "__main__":
    sys.exit(main())
