#!/usr/bin/env python3
"""weft benchmark harness (docs/benchmarks.md).

Builds weft (release), regenerates bench/families/ (gen.py), installs SPIN
if missing, then for every instance measures, in one run:

  weft            weft check --format json --no-progress      (median of --runs;
                  reduction on, exact visited set, weft's default workers)
  weft-noreduce   the same with --no-reduction --workers 1     (median of --runs;
                  the single-core raw-speed comparison)
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
    "weft-fp": ["--visited", "fingerprint"],          # memory: 128-bit fingerprints
    "weft-ref": ["--engine", "reference"],            # the unreduced reference explorer
}
WEFT_COLUMNS = list(WEFT_MODES)
TOOLS = WEFT_COLUMNS + ["spin", "spin-noreduce", "loom"]
# the weft columns whose verdict and findings must equal `weft`'s
CROSS_CHECKED = ["weft-noreduce", "weft-fp", "weft-ref"]
# instances where the reduction factor (weft-ref states / weft states) is to be >= 10x
REDUCTION_TARGETS = {"counter-lock-4x3": 10, "philosophers-6": 10}
FP_TARGET_BPS = 16


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


def row_of(m):
    if m is None:
        return None
    status = m.get("status", "?")
    if m.get("inconclusive"):
        status = "limit"
    note = ""
    if m["tool"] in ("weft", "weft-ref", "loom") and m.get("inconclusive"):
        note = m["inconclusive"]
    if m["tool"].startswith("spin") and m.get("generate_s") is not None:
        note = f"gen {m['generate_s']:.2f}s + cc {m['compile_s']:.2f}s"
    if m["tool"] == "loom":
        note = (f"{fmt_int(m.get('executions'))} executions; " + (m.get("inconclusive") or "complete")).strip()
    return [m["tool"], status, fmt_int(m.get("states")), fmt_int(m.get("transitions")), fmt_sps(m.get("sps")),
            fmt_f(m.get("rss_mb"), 1), fmt_f(m.get("wall")), bps(m), note]


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


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser(description="weft benchmark harness (docs/benchmarks.md)")
    ap.add_argument("--full", action="store_true", help="also run the big instances (marked full-only)")
    ap.add_argument("--runs", type=int, default=3, help="repetitions per measurement; the median is reported (default 3)")
    ap.add_argument("--only", action="append", default=[], help="glob over instance names (repeatable)")
    ap.add_argument("--no-spin", action="store_true")
    ap.add_argument("--no-loom", action="store_true")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--no-scenarios", action="store_true", help="skip timing the shipped scenarios/")
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
    )
    log(f"{len(instances)} instances, median of {args.runs} runs; weft={weft}; spin={spin_version or 'skipped'}")

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
            res["weft"] = med_run([weft_once(weft, yaml, "default", inst.get("max_states"), tl) for _ in range(args.runs)])
            if not args.no_reference:
                res["weft-ref"] = med_run([weft_once(weft, yaml, "reference", inst.get("max_states"), tl)
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
                res["loom"] = weft_once(weft, yaml, "loom", None, args.loom_time)
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

    summary = targets_summary(all_results, scen)
    print("\n### targets\n" + "\n".join("- " + s for s in summary))
    if disagreements:
        print("\n!!!!!!!! VERDICT PROBLEMS !!!!!!!!\n" + "\n".join(disagreements))

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out + ".json", "w") as f:
        json.dump(dict(meta=meta, instances=all_results, scenarios=scen, targets=summary,
                       disagreements=disagreements), f, indent=1, default=str)
        f.write("\n")
    write_markdown(args.out + ".md", meta, all_results, scen, summary, disagreements, md_sections)
    log(f"\nwrote {os.path.relpath(args.out)}.json and .md")
    return 1 if disagreements else 0


def render_instance(inst, res):
    """(text, markdown, notes, ratios) for one instance's measurements."""
    name = inst["name"]
    for k in ("spin", "spin-noreduce"):  # pan's clock ticks in 10 ms: no rate below 50 ms
        m = res.get(k)
        if m and m.get("sps") and (m.get("explore_s") or 0) < 0.05:
            m["sps"] = None
    notes = verdict_check(inst, res)
    w, r, s, sn, lo = (res.get(k) for k in ("weft", "weft-ref", "spin", "spin-noreduce", "loom"))
    ratios = dict(
        states_weft_over_spin=ratio(w and w.get("states"), s and s.get("states")),
        states_weft_over_reference=ratio(w and w.get("states"), r and r.get("states")),
        wall_weft_over_reference=ratio(w and w.get("wall"), r and r.get("wall")),
        wall_weft_over_spin_pan=ratio(w and w.get("wall"), s and s.get("wall")),
        wall_weft_over_spin_end_to_end=ratio(w and w.get("wall"), s and s.get("end_to_end_s")),
        sps_reference_over_spin_noreduce=ratio(r and r.get("sps"), sn and sn.get("sps")),
        sps_weft_over_spin=ratio(w and w.get("sps"), s and s.get("sps")),
        loom_wall_over_weft_wall=ratio(lo and lo.get("wall"), w and w.get("wall")),
        loom_complete=bool(lo and lo.get("complete") and not lo.get("inconclusive")) if lo else None,
    )
    rows = [row_of(res[k]) for k in ("weft", "weft-ref", "spin", "spin-noreduce", "loom") if k in res]
    rline = (
        f"ratios: states weft/spin {fmt_ratio(ratios['states_weft_over_spin'])}, "
        f"weft/reference {fmt_ratio(ratios['states_weft_over_reference'])}; "
        f"wall weft/reference {fmt_ratio(ratios['wall_weft_over_reference'])}, "
        f"weft/spin-pan {fmt_ratio(ratios['wall_weft_over_spin_pan'])}, "
        f"weft/spin-end-to-end {fmt_ratio(ratios['wall_weft_over_spin_end_to_end'])}; "
        f"states/s reference/spin-noreduce {fmt_ratio(ratios['sps_reference_over_spin_noreduce'])}"
        + (f"; loom/weft wall {'≥ ' if not ratios['loom_complete'] else ''}"
           f"{fmt_ratio(ratios['loom_wall_over_weft_wall'])}" if lo else "")
    )
    text = f"\n### {name}\n" + text_table(rows) + "\n" + rline + "".join(f"\n!!!! {name}: {n}" for n in notes)
    md = (f"### {name}\n\n" + md_table(HEADER, rows) + "\n\n" + rline + "\n"
          + "".join(f"\n**!!! {n}**\n" for n in notes))
    return text, md, notes, ratios


def write_markdown(path, meta, all_results, scen, summary, disagreements, md_sections):
    with open(path, "w") as f:
        f.write(f"# weft benchmark results\n\n`bench/run.sh{' --full' if meta['full'] else ''}`, {meta['date']}, "
                f"{meta['cpus']} CPUs, {meta['weft']}, {meta['spin'] or 'SPIN skipped'}, {meta['gcc']}; "
                f"median of {meta['runs']} runs; per-run limit {meta['time_limit_s']:g} s; "
                f"loom limit {meta['loom_time_limit_s']:g} s.\n\n")
        f.write("`states/s` is states over the tool's own exploration time (weft's `elapsed_ms`, pan's "
                "`elapsed time`; `-` when pan reports < 50 ms). `wall s` and `peak MB` cover the whole "
                "process (`/usr/bin/time -v`). SPIN's `wall s` is pan alone; its note "
                "gives generate + compile. `bytes/state` is weft's own estimate; for SPIN the state vector. "
                "loom's status `limit` means it stopped at its time limit.\n\n")
        f.write("## Summary\n\n" + summary_table(all_results) + "\n\n## Targets\n\n"
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
    summary = targets_summary(d["instances"], d["scenarios"])
    d["targets"], d["disagreements"] = summary, disagreements
    print("\n### targets\n" + "\n".join("- " + s for s in summary))
    with open(path, "w") as f:
        json.dump(d, f, indent=1, default=str)
        f.write("\n")
    write_markdown(path[:-5] + ".md", d["meta"], d["instances"], d["scenarios"], summary, disagreements, md_sections)
    return 1 if disagreements else 0


def summary_table(all_results):
    hdr = ["instance", "weft states", "weft-ref states", "SPIN states (POR)", "SPIN states (NOREDUCE)",
           "weft wall s", "weft-ref wall s", "SPIN gen+cc+pan s", "ref states/s", "SPIN NOREDUCE states/s",
           "weft B/state", "loom"]
    rows = []
    for e in all_results:
        r = e["results"]
        w, rf, s, sn, lo = (r.get(k) or {} for k in ("weft", "weft-ref", "spin", "spin-noreduce", "loom"))
        mark = lambda m: ("" if m.get("complete", True) and not m.get("inconclusive") else " (" + (m.get("status") or "?") + ")")  # noqa: E731
        loom = "-"
        if lo:
            loom = (f"{lo.get('wall', 0):.1f} s" + ("" if lo.get("complete") and not lo.get("inconclusive") else " (limit)"))
        rows.append([
            e["instance"]["name"] + (" !!!" if e["notes"] else ""),
            fmt_int(w.get("states")) + mark(w) if w else "-",
            fmt_int(rf.get("states")) + mark(rf) if rf else "-",
            fmt_int(s.get("states")) + mark(s) if s else "-",
            fmt_int(sn.get("states")) + mark(sn) if sn else "-",
            fmt_f(w.get("wall")), fmt_f(rf.get("wall")), fmt_f(s.get("end_to_end_s")),
            fmt_sps(rf.get("sps")), fmt_sps(sn.get("sps")),
            fmt_int(w.get("bytes_per_state")), loom,
        ])
    return md_table(hdr, rows)


def targets_summary(all_results, scen):
    out = []
    # 1. raw speed, reductions off
    pairs = [(e["instance"]["name"], e["results"].get("weft-ref"), e["results"].get("spin-noreduce")) for e in all_results]
    pairs = [(n, r, s) for n, r, s in pairs if r and s and r.get("sps") and s.get("sps")]
    if pairs:
        worst = min(pairs, key=lambda p: p[1]["sps"] / p[2]["sps"])
        ok = sum(1 for _, r, s in pairs if r["sps"] >= s["sps"])
        out.append(f"raw speed (weft --engine reference states/s ≥ SPIN -DNOREDUCE states/s): {ok}/{len(pairs)} "
                   f"instances where pan ran ≥ 50 ms; worst {worst[0]}: {worst[1]['sps']:,.0f} vs {worst[2]['sps']:,.0f} "
                   f"({worst[1]['sps'] / worst[2]['sps']:.3g}×)")
    # 2. states stored <= SPIN (POR)
    pairs = [(e["instance"]["name"], e["results"].get("weft"), e["results"].get("spin")) for e in all_results]
    pairs = [(n, w, s) for n, w, s in pairs if w and s and w.get("states") and s.get("states")]
    if pairs:
        ok = sum(1 for _, w, s in pairs if w["states"] <= s["states"] and w.get("complete"))
        worst = max(pairs, key=lambda p: p[1]["states"] / p[2]["states"])
        out.append(f"states stored (weft ≤ SPIN with POR): {ok}/{len(pairs)} instances; worst {worst[0]}: "
                   f"{worst[1]['states']:,} vs {worst[2]['states']:,} ({worst[1]['states'] / worst[2]['states']:.3g}×"
                   f"{', weft incomplete' if not worst[1].get('complete') else ''})")
    # 3. shipped scenarios < 100 ms
    if scen:
        over = [x for x in scen if x["wall"] >= 0.1]
        worst = max(scen, key=lambda x: x["wall"])
        out.append(f"end to end < 100 ms for every shipped scenario: {len(scen) - len(over)}/{len(scen)}; "
                   f"worst {worst['scenario']} {worst['wall'] * 1000:.1f} ms")
    # 4. < SPIN generate+compile+verify under 10 M states
    pairs = [(e["instance"]["name"], e["results"].get("weft"), e["results"].get("spin")) for e in all_results]
    pairs = [(n, w, s) for n, w, s in pairs if w and s and s.get("end_to_end_s") and s.get("states") is not None
             and s["states"] < 10_000_000]
    if pairs:
        ok = sum(1 for _, w, s in pairs if w["wall"] < s["end_to_end_s"] and w.get("complete"))
        worst = max(pairs, key=lambda p: p[1]["wall"] / p[2]["end_to_end_s"])
        out.append(f"weft wall < SPIN generate+compile+verify (instances under 10 M SPIN states): {ok}/{len(pairs)}; "
                   f"worst {worst[0]}: {worst[1]['wall']:.3f} s vs {worst[2]['end_to_end_s']:.3f} s"
                   f"{' (weft incomplete)' if not worst[1].get('complete') else ''}")
    # 5. >= 100x faster than loom
    pairs = [(e["instance"]["name"], e["results"].get("weft"), e["results"].get("loom")) for e in all_results]
    pairs = [(n, w, l) for n, w, l in pairs if w and l and w.get("wall")]
    if pairs:
        descr = []
        for n, w, l in pairs:
            done = l.get("complete") and not l.get("inconclusive")
            descr.append(f"{n} {'' if done else '≥'}{l['wall'] / w['wall']:.0f}×")
        ok = sum(1 for _, w, l in pairs if l["wall"] / w["wall"] >= 100)
        out.append(f"≥ 100× faster than loom: {ok}/{len(pairs)} (loom wall / weft wall; ≥ = loom hit its time "
                   f"limit): " + ", ".join(descr))
    # 6. bytes/state
    bp = [(e["instance"]["name"], e["results"]["weft"].get("bytes_per_state"), e["results"]["weft"].get("rss_mb"),
           e["results"]["weft"].get("states")) for e in all_results if e["results"].get("weft")
          and e["results"]["weft"].get("bytes_per_state")]
    if bp:
        big = [x for x in bp if x[3] and x[3] >= 100_000]
        descr = ", ".join(f"{n} {b:,} B (RSS/state {rss * 1048576 / s:,.0f} B)" for n, b, rss, s in big if rss) or "no instance ≥ 100k states"
        out.append(f"bytes/state (weft estimate) range {min(x[1] for x in bp):,}–{max(x[1] for x in bp):,}; "
                   f"on instances ≥ 100k states: {descr}")
    out.append("parallel speed-up: not measured (weft explores single-threaded today)")
    return out


if __name__ == "__main__":
    sys.exit(main())
