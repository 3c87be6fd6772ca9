#!/usr/bin/env python3
"""The benchmark behind scripts/bench.sh (see docs/performance.md).

Generates the inputs with ../shared/bench/gen_corpus.py, then times, on the
same machine in one run: the read floor (examples/read_floor.rs), `tonghop
build` with one thread and with all cores, and the two Python peers. Prints one
table (median wall time, CPU time, peak memory) and the ratios the targets are
stated in, checks that every program found the same totals, and writes the
table into docs/performance.md between its bench markers.

    python3 scripts/bench.py --tonghop BIN --floor BIN --python PY [options]

Only the standard library is used here; the peers run under PY.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

TARGETS = [
    # (key, label, comparison, target) — issue 16's targets
    ("floor_10k", "tonghop build 10,000 files, all cores / floor, all cores", "<=", 2.0),
    ("polars_10k", "polars+fastexcel peer / tonghop (10,000 files)", ">=", 4),
    ("pandas_10k", "pandas+openpyxl peer / tonghop (10,000 files)", ">=", 25),
    ("scaling", "tonghop 10,000 files / 1,000 files", "<=", 10.5),
    ("threads", "tonghop 1 thread / all threads (10,000 files)", ">=", 1.8),
    ("memory", "tonghop peak memory, 10,000 files (MB)", "<=", 250),
    ("list", "200,000-row list file / its floor", "<=", 2.0),
    ("list_memory", "200,000-row list file: peak memory (MB)", "<=", 250),
    ("national", "tonghop build 40,000 files / floor", "<=", 2.0),
    ("national_memory", "tonghop peak memory, 40,000 files (MB)", "<=", 600),
    ("check_one", "tonghop check of one commune file, whole process (ms)", "<=", 30),
]


def shared_bench():
    for p in (os.path.join(ROOT, "..", "shared", "bench"), "/work/shared/bench"):
        if os.path.exists(os.path.join(p, "gen_corpus.py")):
            return os.path.abspath(p)
    sys.exit("bench: ../shared/bench/gen_corpus.py not found")


def generate(python, bench, out, n, list_rows=None):
    """A corpus and its tonghop.toml, reused when already made with the same arguments."""
    stamp = os.path.join(out, "made-with.json")
    args = {"n": n, "list_rows": list_rows}
    if os.path.exists(stamp):
        with open(stamp) as f:
            if json.load(f) == args:
                return
    gen = os.path.join(bench, "gen_corpus.py")
    cmd = [python, gen, str(n), out]
    if list_rows:
        cmd += ["--list-rows", str(list_rows)]
    print(f"bench: generating {out} …", file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "tonghop.toml"), "w", encoding="utf-8") as f:
        f.write(
            f'schema = "{os.path.join(ROOT, "schemas", "pcmd.toml")}"\n'
            'units = "units.csv"\nperiod = "2023"\ninbox = "inbox"\noutput = "out"\n'
            '[consolidating_unit]\ncode = "00"\nname = "Tỉnh thử nghiệm"\n'
        )
    with open(stamp, "w") as f:
        json.dump(args, f)


def tree_rss_kb(pid):
    """Resident memory of a process and its descendants, in KiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return total


def run_once(cmd, env, cwd):
    """(wall s, CPU s, peak MB, stdout) of one run; CPU and memory include children."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        peak, done = [0], threading.Event()

        def sample():
            while not done.wait(0.05):
                peak[0] = max(peak[0], tree_rss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(cmd)} failed with {proc.returncode}\n{text[-2000:]}")
    # ru_maxrss is exact for the largest single process; the sampled tree sum
    # catches pools of workers.
    peak_mb = max(usage.ru_maxrss, peak[0]) / 1024
    return wall, usage.ru_utime + usage.ru_stime, peak_mb, text


def measure(name, cmd, runs, env_extra=None, cwd=None, clean=None):
    env = dict(os.environ, **(env_extra or {}))
    walls, cpus, peaks, text = [], [], [], ""
    for _ in range(runs):
        if clean and os.path.exists(clean):
            shutil.rmtree(clean)
        wall, cpu, peak, text = run_once(cmd, env, cwd)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
    row = {
        "name": name,
        "runs": runs,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "peak_mb": statistics.median(peaks),
        "out": text,
    }
    print(f"  {name:<44} {row['wall']:8.2f} s wall {row['cpu']:8.2f} s CPU {row['peak_mb']:7.0f} MB"
          f"  ({runs} runs)", file=sys.stderr)
    return row


INDICATORS = ("co_so_tong", "ty_le_cam_ket", "xa_khong_te_nan")


def peer_totals(text, out_dir):
    """(accepted, indicator values) from a peer's summary line and its chi-tieu.csv."""
    m = re.search(r"files (\d+) accepted (\d+)", text)
    with open(os.path.join(out_dir, "chi-tieu.csv"), encoding="utf-8") as f:
        values = {r["indicator_id"]: round(float(r["value"]), 6) for r in csv.DictReader(f)}
    return int(m.group(2)) if m else None, tuple(values.get(i) for i in INDICATORS)


def tonghop_totals(out_dir, code="00"):
    """(accepted, indicator values) read back from the build's outputs."""
    with open(os.path.join(out_dir, "pcmd-2023-kiem-tra.json"), encoding="utf-8") as f:
        accepted = json.load(f)["summary"]["accepted"]
    with open(os.path.join(out_dir, "pcmd-2023-chi-tieu.csv"), encoding="utf-8-sig") as f:
        rows = {r["indicator_id"]: r for r in csv.DictReader(f) if r["unit_code"] == code}
    # The peers count the communes without prostitution; the schema states
    # that indicator as a share of communes, so compare its numerator.
    pick = {"xa_khong_te_nan": "numerator"}
    values = {i: round(float(r[pick.get(i, "value")] or "nan"), 6) for i, r in rows.items()}
    return accepted, tuple(values.get(i) for i in INDICATORS)


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // (1024 * 1024)
    except OSError:
        mem = 0
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{model}, {os.cpu_count()} cores, {mem} GiB RAM, {platform.system()} {platform.release()}, {rustc}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tonghop", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--work", default=os.path.join(os.path.expanduser("~"), ".cache", "tonghop-bench"))
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--list-rows", type=int, default=200000)
    ap.add_argument("--national", type=int, default=40000,
                    help="files of the national-year run (0: skip; generating 40,000 takes 30-80 min)")
    ap.add_argument("--check-runs", type=int, default=20, help="runs of `check` on one file (median)")
    ap.add_argument("--runs", type=int, default=5, help="runs of each fast measure (median)")
    ap.add_argument("--peer-runs", type=int, default=3, help="runs of each peer measure")
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    a = ap.parse_args()

    bench = shared_bench()
    cores = os.cpu_count() or 1
    sets = {"small": (a.small, None), "large": (a.large, None), "list": (1, a.list_rows)}
    if a.national:
        sets["national"] = (a.national, None)
    dirs = {}
    for key, (n, rows) in sets.items():
        d = os.path.join(a.work, f"{key}-{n}" + (f"-rows{rows}" if rows else ""))
        generate(a.python, bench, d, n, rows)
        dirs[key] = d

    results, totals = {}, {}
    one = {"RAYON_NUM_THREADS": "1", "POLARS_MAX_THREADS": "1"}
    for key, d in dirs.items():
        print(f"bench: {key} ({d})", file=sys.stderr)
        inbox, out = os.path.join(d, "inbox"), os.path.join(d, "out")
        runs = {"large": max(1, (a.runs + 1) // 2), "national": 1}.get(key, a.runs)
        build = [a.tonghop, "--config", os.path.join(d, "tonghop.toml"), "--no-progress", "build"]
        # One unmeasured read first: the files in the page cache for every
        # program alike (a single cold run would flatter whoever runs second).
        subprocess.run([a.floor, inbox], check=True, stdout=subprocess.DEVNULL)
        results[key, "floor"] = measure("floor (calamine, all cores)", [a.floor, inbox], runs)
        results[key, "tonghop"] = measure("tonghop build (all cores)", build, runs, clean=out)
        totals[key, "tonghop"] = tonghop_totals(out)
        if key == "small":
            first = sorted(os.listdir(inbox))[0]
            check = [a.tonghop, "--config", os.path.join(d, "tonghop.toml"), "--no-progress", "check",
                     os.path.join(inbox, first)]
            results[key, "check1"] = measure("tonghop check, one file", check, a.check_runs)
        if key in ("small", "large"):
            results[key, "floor1"] = measure("floor (calamine, 1 thread)", [a.floor, "--threads", "1", inbox], runs)
            results[key, "tonghop1"] = measure("tonghop build (1 thread)", build, runs, env_extra=one, clean=out)
            for peer in ("polars", "pandas"):
                peer_runs = a.peer_runs if not (peer == "pandas" and key == "large") else 1
                cmd = [a.python, os.path.join(bench, f"peer_{peer}.py"), inbox, os.path.join(d, "units.csv"),
                       os.path.join(d, f"peer-{peer}"), "--jobs", str(cores)]
                results[key, peer] = measure(f"peer {peer} (--jobs {cores})", cmd, peer_runs)
                totals[key, peer] = peer_totals(results[key, peer]["out"], os.path.join(d, f"peer-{peer}"))

    # The timed builds must agree with the peers, or the comparison is void.
    for key in ("small", "large"):
        ours = totals[key, "tonghop"]
        for peer in ("polars", "pandas"):
            if totals[key, peer] != ours:
                sys.exit(f"bench: {key}: tonghop found {ours} (accepted, {INDICATORS}), peer {peer} {totals[key, peer]}")

    r = lambda k, p: results[k, p]["wall"]
    ratios = {
        "floor_10k": r("large", "tonghop") / r("large", "floor"),
        "polars_10k": r("large", "polars") / r("large", "tonghop"),
        "pandas_10k": r("large", "pandas") / r("large", "tonghop"),
        "scaling": r("large", "tonghop") / r("small", "tonghop"),
        "threads": r("large", "tonghop1") / r("large", "tonghop"),
        "memory": results["large", "tonghop"]["peak_mb"],
        "list": r("list", "tonghop") / r("list", "floor"),
        "list_memory": results["list", "tonghop"]["peak_mb"],
        "check_one": r("small", "check1") * 1000,
    }
    if a.national:
        ratios["national"] = r("national", "tonghop") / r("national", "floor")
        ratios["national_memory"] = results["national", "tonghop"]["peak_mb"]
    names = {"small": f"{a.small:,} files", "large": f"{a.large:,} files", "list": f"1 file, {a.list_rows:,} list rows",
             "national": f"{a.national:,} files"}
    lines = ["| input | program | wall (s) | CPU (s) | peak memory (MB) | runs |", "|---|---|---:|---:|---:|---:|"]
    for (key, prog), row in results.items():
        lines.append(f"| {names[key]} | {row['name']} | {row['wall']:.2f} | {row['cpu']:.2f} | {row['peak_mb']:.0f} | {row['runs']} |")
    lines += ["", "| measure | target | measured | met |", "|---|---|---:|---|"]
    sizes = {"10,000": f"{a.large:,}", "1,000": f"{a.small:,}", "200,000": f"{a.list_rows:,}",
             "40,000": f"{a.national:,}"}
    for key, label, cmp, target in TARGETS:
        if key not in ratios:
            continue
        v = ratios[key]
        for default, actual in sizes.items():
            label = label.replace(default, actual)
        ok = v <= target if cmp == "<=" else v >= target
        lines.append(f"| {label} | {cmp} {target} | {v:.2f} | {'yes' if ok else 'NO'} |")
    lines += ["", f"Totals agree between tonghop and both peers — accepted submissions and "
              f"({', '.join(INDICATORS)}): {totals['small', 'tonghop']} for {a.small:,} files, "
              f"{totals['large', 'tonghop']} for {a.large:,}."]
    peers = subprocess.run([a.python, "-c", "import polars, fastexcel, pandas, openpyxl; print("
                            "f'polars {polars.__version__}, fastexcel {fastexcel.__version__}, "
                            "pandas {pandas.__version__}, openpyxl {openpyxl.__version__}')"],
                           capture_output=True, text=True).stdout.strip()
    header = (f"Run of {datetime.date.today().isoformat()} on {machine()}; Python peers: {peers}. "
              f"Medians of {a.runs} runs ({max(1, (a.runs + 1) // 2)} for 10,000 files, 1 for 40,000; "
              f"peers {a.peer_runs}, pandas on 10,000 files 1; `check` of one file {a.check_runs}). "
              f"Load average at the start: {os.getloadavg()[0]:.1f}.")
    table = "\n".join([header, ""] + lines)
    print(table)
    if not a.no_docs:
        path = os.path.join(ROOT, "docs", "performance.md")
        with open(path, encoding="utf-8") as f:
            doc = f.read()
        if BEGIN in doc and END in doc:
            doc = doc[: doc.index(BEGIN) + len(BEGIN)] + "\n" + table + "\n" + doc[doc.index(END):]
            with open(path, "w", encoding="utf-8") as f:
                f.write(doc)


if __name__ == "__main__":
    main()
