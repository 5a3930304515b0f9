#!/usr/bin/env python3
"""Times `prerender popularity` on a generated nginx combined log against `awk '{print $7}' | sort | uniq -c`.

The manifest has 20,000 assets x 5 renditions (100,000 URLs, none of them rendered: popularity needs only
the plan); the log is a Zipf request stream over those URLs with 4% of other paths. Both tools read the same
file in the same run, the page cache warmed by a first read. Prints lines per second per CPU second and
peak RSS; memory should follow the distinct URLs, not the lines (`--lines` twice as large, same RSS).
Run by scripts/bench (10M lines; --quick: 200k), or alone:
  tests/bench/popularity_bench.py --prerender build/prerender --work /tmp/pb --lines 10000000
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ASSETS = 20_000


def write_manifest(folder: Path):
    lines = ["version: 1", "sources: { root: images/ }", "output: { root: public/, base_url: 'https://img.example.com/' }",
             "presets:", "  hero: { resize: { width: 1280 }, format: [avif, webp], dpr: [1, 2] }",
             "  card: { resize: { width: 400, height: 225, fit: cover }, format: jpeg }", "assets:"]
    for k in range(ASSETS):
        lines.append(f"  - {{ id: shows/s{k // 20}/e{k % 20}, source: s{k}.jpg, presets: [hero, card] }}")
    (folder / "site.yaml").write_text("\n".join(lines) + "\n")
    paths = []
    for k in range(ASSETS):
        base = f"/shows/s{k // 20}/e{k % 20}"
        paths.append([f"{base}/hero.avif", f"{base}/hero@2x.avif", f"{base}/hero.webp", f"{base}/hero@2x.webp",
                      f"{base}/card.jpg"])
    return paths


def write_log(path: Path, paths, lines: int, seed: int = 1):
    rng = random.Random(seed)
    cum, total = [], 0.0
    for k in range(len(paths)):
        total += 1 / (k + 1)
        cum.append(total)
    order = list(range(len(paths)))
    rng.shuffle(order)
    tails = [[f'"GET {p} HTTP/1.1" 200 {2000 + 37 * i} "https://www.example.com/" "Mozilla/5.0 (X11; Linux x86_64)" HIT\n'
              for i, p in enumerate(ps)] for ps in paths]
    other = [f'"GET /api/v1/items/{i} HTTP/1.1" 200 512 "-" "curl/8.0" -\n' for i in range(1000)]
    start = 1796083200
    with open(path, "w") as out:
        written = 0
        while written < lines:
            n = min(200_000, lines - written)
            picks = rng.choices(order, cum_weights=cum, k=n)
            t = start + written * 86400 // lines
            g = time.gmtime(t)
            stamp = f'203.0.113.7 - - [{g.tm_mday:02}/{MONTHS[g.tm_mon - 1]}/{g.tm_year}:{g.tm_hour:02}:{g.tm_min:02}:{g.tm_sec:02} +0000] '
            chunk = []
            for a in picks:
                r = rng.random()
                chunk.append(stamp + (other[int(r * 25000) % 1000] if r < 0.04 else tails[a][int(r * 5) % 5]))
            out.write("".join(chunk))
            written += n


def timed(command):
    """Wall, CPU and peak RSS of a command, measured by GNU time (a small parent: a child forked from this
    Python would report Python's RSS as its own peak, which exec keeps)."""
    start = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *command], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"popularity bench: {command[0]} failed: {done.stderr}")
    user, system, rss_kib = done.stderr.strip().splitlines()[-1].split()
    return {"wall_s": round(wall, 2), "cpu_s": round(float(user) + float(system), 2),
            "peak_rss_mib": round(int(rss_kib) / 1024, 1)}


def run(prerender: str, work: Path, lines: int):
    work.mkdir(parents=True, exist_ok=True)
    paths = write_manifest(work)
    log_path = work / f"access-{lines}.log"
    if not log_path.exists():
        print(f"popularity bench: writing {lines:,} log lines", file=sys.stderr, flush=True)
        write_log(log_path.with_suffix(".tmp"), paths, lines)
        log_path.with_suffix(".tmp").rename(log_path)
    size = log_path.stat().st_size
    subprocess.run(["cat", str(log_path)], stdout=subprocess.DEVNULL, check=True)  # the page cache, for both
    (work / "empty.log").write_text("")
    # Loading and planning the manifest (100,000 paths) and deciding coverage, whatever the log: measured alone.
    fixed = timed([prerender, "popularity", str(work / "site.yaml"), str(work / "empty.log"), "-o", str(work / "empty.yaml")])
    ours = timed([prerender, "popularity", str(work / "site.yaml"), str(log_path), "-o", str(work / "popularity.yaml")])
    ours["lines_per_cpu_s_after_start_up"] = round(lines / max(ours["cpu_s"] - fixed["cpu_s"], 1e-3))
    ours["start_up_cpu_s"] = fixed["cpu_s"]
    awk = timed(["bash", "-c", f"awk '{{print $7}}' '{log_path}' | LC_ALL=C sort | LC_ALL=C uniq -c | LC_ALL=C sort -rn >/dev/null"])
    # awk's pipeline runs in several processes; its CPU is theirs together (ru of the children of bash).
    report = {"lines": lines, "log_gb": round(size / 1e9, 3), "urls": ASSETS * 5,
              "prerender": dict(ours, lines_per_cpu_s=round(lines / max(ours["cpu_s"], 1e-3)),
                                lines_per_s=round(lines / max(ours["wall_s"], 1e-3))),
              "awk_sort_uniq": dict(awk, lines_per_s=round(lines / max(awk["wall_s"], 1e-3)))}
    report["awk_wall_over_prerender"] = round(awk["wall_s"] / max(ours["wall_s"], 1e-3), 2)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prerender", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--lines", type=int, default=10_000_000)
    args = parser.parse_args()
    print(json.dumps(run(args.prerender, Path(args.work), args.lines)))


if __name__ == "__main__":
    main()
