#!/usr/bin/env python3
"""Benchmark prerender against the tools users would pick instead, on the standard real-photo workload.

Tools run interleaved round by round (A B C ... A B C ...) so that machine drift hits all alike. Every
tool's outputs are checked for the expected dimensions before its time counts. CPU seconds and paired
ratios (per round) are the stable figures on a shared machine; wall time only when the machine is quiet.
Nothing here asserts a speed: it prints numbers.
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import balance_bench
import popularity_bench
import quality_bench

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# name, width, height (None: follow the aspect ratio), extension
RENDITIONS = [
    ("jpeg-1920", 1920, None, "jpg"),
    ("jpeg-1280", 1280, None, "jpg"),
    ("jpeg-640", 640, None, "jpg"),
    ("crop-320", 320, 180, "jpg"),
    ("webp-1280", 1280, None, "webp"),
    ("webp-640", 640, None, "webp"),
    ("avif-1280", 1280, None, "avif"),
]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def read_photos():
    photos = []
    for line in (HERE / "photos.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        package, path, size, nbytes, kind, chroma, sha = line.split()
        w, h = (int(v) for v in size.split("x"))
        photos.append({"package": package, "path": path, "width": w, "height": h, "sha256": sha,
                       "stem": Path(path).stem.split("_by_")[0], "kind": kind})
    return photos


def fetch_workload(cache: Path, photos):
    """apt-get download + dpkg -x, each photo checked by sha256."""
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    for package in sorted({p["package"] for p in photos}):
        if not list(debs.glob(f"{package}_*.deb")):
            log(f"bench: downloading {package}")
            download = ["apt-get", "download", package]
            if subprocess.run(download, cwd=debs, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
                # A machine whose package lists were never fetched: fetch them once, then try again.
                subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
                subprocess.run(download, cwd=debs, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tree = cache / "tree" / package
        if not tree.exists():
            tree.mkdir(parents=True)
            deb = sorted(debs.glob(f"{package}_*.deb"))[-1]
            subprocess.run(["dpkg-deb", "-x", str(deb), str(tree)], check=True)
    for p in photos:
        file = cache / "tree" / p["package"] / p["path"].lstrip("/")
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        if digest != p["sha256"]:
            sys.exit(f"bench: {file}: sha256 {digest}, expected {p['sha256']}")
        p["file"] = file


def lay_out(work: Path, photos, copies: int):
    images = work / "images"
    shutil.rmtree(images, ignore_errors=True)
    images.mkdir(parents=True)
    inputs = []
    for p in photos:
        for k in range(copies):
            name = f"{p['stem']}-{k + 1}.jpg"
            os.link(p["file"], images / name) if same_fs(p["file"], images) else shutil.copy(p["file"], images / name)
            inputs.append({"name": name, "stem": Path(name).stem, "width": p["width"], "height": p["height"]})
    return images, inputs


def same_fs(a: Path, b: Path):
    return os.stat(a).st_dev == os.stat(b).st_dev


def timed(cmd, env=None, cwd=None):
    """Wall seconds, CPU seconds (user + sys of all children) and the largest process's peak RSS."""
    with tempfile.NamedTemporaryFile("r") as out:
        full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", out.name] + cmd
        result = subprocess.run(full, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed:\n{result.stderr[-3000:]}")
        wall, user, sys_, rss = out.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(sys_), "rss_mib": int(rss) / 1024}


def expected(inp, width, height):
    if height is None:
        return width, round(inp["height"] * width / inp["width"])
    return width, height


def check(outputs):
    """outputs: [(path, expected_w, expected_h)]. One vipsheader call for all files."""
    if not outputs:
        sys.exit("bench: no outputs to check")
    result = subprocess.run(["vipsheader"] + [str(o[0]) for o in outputs], capture_output=True, text=True)
    sizes = {}
    for line in result.stdout.splitlines():
        name, rest = line.rsplit(": ", 1)
        sizes[name] = tuple(int(v) for v in rest.split()[0].split("x"))
    for path, w, h in outputs:
        got = sizes.get(str(path))
        if got is None or got[0] != w or abs(got[1] - h) > 1:
            sys.exit(f"bench: {path}: {got}, expected {w}x{h}")


def bytes_by_format(outputs):
    out = {}
    for path, _, _ in outputs:
        ext = Path(path).suffix.lstrip(".")
        out[ext] = out.get(ext, 0) + os.path.getsize(path)
    return out


class Tool:
    def __init__(self, name, renditions):
        self.name, self.renditions = name, renditions

    def count(self, inputs):
        return len(inputs) * len(self.renditions)


class Prerender(Tool):
    def __init__(self, binary, work, renditions, name="prerender", jobs=2):
        super().__init__(name, renditions)
        self.binary, self.work, self.jobs = binary, work / name, jobs
        self.journals = []  # each run's journal, kept for the balance figure
        self.work.mkdir(parents=True, exist_ok=True)
        manifest = (HERE / "workload.yaml").read_text()
        if len(renditions) < len(RENDITIONS):
            manifest = manifest.replace(", avif-1280]", "]")
        (self.work / "site.yaml").write_text(manifest)

    def run(self, images, inputs):
        link = self.work / "images"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(images)
        shutil.rmtree(self.work / "public", ignore_errors=True)
        stats = timed([self.binary, "run", str(self.work / "site.yaml"), "--jobs", str(self.jobs), "-q"])
        kept = self.work / f"journal-{len(self.journals) + 1}.jsonl"
        shutil.copyfile(self.work / "public" / "renditions.jsonl", kept)
        self.journals.append(kept)
        outputs = [(self.work / "public" / i["stem"] / f"{n}.{ext}", *expected(i, w, h), )
                   for i in inputs for n, w, h, ext in self.renditions]
        return stats, outputs


class Sharp(Tool):
    def __init__(self, node_modules, work, pool):
        super().__init__("sharp-pool2" if pool else "sharp", RENDITIONS)
        self.node_modules, self.out, self.pool = node_modules, work / self.name, pool

    def run(self, images, inputs):
        shutil.rmtree(self.out, ignore_errors=True)
        env = dict(os.environ, NODE_PATH=str(self.node_modules))
        cmd = ["node", str(HERE / "sharp_bench.js"), str(images), str(self.out)]
        if self.pool:
            env["UV_THREADPOOL_SIZE"] = "2"
            cmd.append("--pool1")
        stats = timed(cmd, env=env)
        outputs = [(self.out / f"{i['stem']}-{n}.{ext}", *expected(i, w, h)) for i in inputs for n, w, h, ext in self.renditions]
        return stats, outputs


class PerRendition(Tool):
    """One process per rendition, two at a time (xargs -P 2)."""

    def __init__(self, name, work, renditions, command):
        super().__init__(name, renditions)
        self.out, self.command = work / name, command

    def run(self, images, inputs):
        shutil.rmtree(self.out, ignore_errors=True)
        self.out.mkdir(parents=True)
        lines, outputs = [], []
        for i in inputs:
            for n, w, h, ext in self.renditions:
                target = self.out / f"{i['stem']}-{n}.{ext}"
                lines.append(self.command(images / i["name"], target, n, w, h))
                outputs.append((target, *expected(i, w, h)))
        commands = self.out / "commands.txt"
        commands.write_text("\n".join(lines) + "\n")
        stats = timed(["sh", "-c", f"xargs -d '\\n' -n 1 -P 2 sh -c < '{commands}'"])
        return stats, outputs


def vipsthumbnail(src, dst, name, w, h):
    if name == "crop-320":
        return f"vipsthumbnail '{src}' --size {w}x{h} --smartcrop centre -o '{dst}[Q=80,optimize_coding,strip,subsample_mode=on]'"
    options = {"jpg": "Q=80,optimize_coding,strip,subsample_mode=on", "webp": "Q=75,strip",
               "avif": "Q=50,effort=3,strip,subsample_mode=on,bitdepth=8"}[Path(str(dst)).suffix.lstrip(".")]
    return f"vipsthumbnail '{src}' --size {w}x -o '{dst}[{options}]'"


def graphicsmagick(src, dst, name, w, h):
    if name == "crop-320":
        return (f"gm convert '{src}' -resize {w}x{h}^ -gravity center -extent {w}x{h} -quality 80 "
                f"-sampling-factor 2x2 -strip '{dst}'")
    if str(dst).endswith(".webp"):
        return f"gm convert '{src}' -resize {w}x -quality 75 -strip '{dst}'"
    return f"gm convert '{src}' -resize {w}x -quality 80 -sampling-factor 2x2 -strip '{dst}'"


def summarise(tool, rounds, n):
    walls = [r["wall"] for r in rounds]
    cpus = [r["cpu"] for r in rounds]
    wall = statistics.median(walls)
    return {"renditions": n, "wall_s": round(wall, 2), "cpu_s": round(statistics.median(cpus), 2),
            "renditions_per_s": round(n / wall, 2), "cpu_ms_per_rendition": round(statistics.median(cpus) / n * 1000, 1),
            "peak_rss_mib": round(max(r["rss_mib"] for r in rounds), 1), "bytes": rounds[-1]["bytes"],
            "rounds": [{k: round(v, 2) if isinstance(v, float) else v for k, v in r.items() if k != "bytes"} for r in rounds]}


def paired(ours, theirs, n_ours, n_theirs, key):
    """Median over rounds of the per-round ratio prerender/tool (renditions/s), or tool/prerender (CPU per rendition)."""
    ratios = []
    for a, b in zip(ours, theirs):
        if key == "rate":
            ratios.append((n_ours / a["wall"]) / (n_theirs / b["wall"]))
        else:
            ratios.append((b["cpu"] / n_theirs) / (a["cpu"] / n_ours))
    return round(statistics.median(ratios), 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prerender", required=True, help="the prerender binary")
    parser.add_argument("--cache", required=True, help="folder for downloads, node_modules and outputs")
    parser.add_argument("--node-modules", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="two photos, one round, no scaling: a smoke test")
    parser.add_argument("--balance", action="store_true",
                        help="only the balance figure: prerender alone, --rounds runs of the whole workload")
    parser.add_argument("--quality", action="store_true",
                        help="only the quality figure (tests/bench/quality_bench.py): quality: auto, fixed quality and sharp")
    parser.add_argument("--quality-score", help="the prerender_quality_score binary (default: tests/ beside --prerender)")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    scorer = args.quality_score or str(Path(args.prerender).parent / "tests" / "prerender_quality_score")

    cache = Path(args.cache)
    photos = read_photos()
    if args.quick:
        photos = [p for p in photos if p["stem"] in ("Kleiber", "Wine")]
    graphics = [] if args.balance else quality_bench.read_graphics()
    fetch_workload(cache, photos + graphics)
    work = cache / "work"
    work.mkdir(parents=True, exist_ok=True)

    def quality_figure():
        return quality_bench.run(args.prerender, scorer, Path(args.node_modules), work / "quality", photos, graphics,
                                 args.quick, 1 if args.quick else args.rounds, timed, check)

    if args.quality:
        report = quality_figure()
        print(quality_bench.show(report))
        if args.json:
            Path(args.json).write_text(json.dumps({"quality": report}, indent=2) + "\n")
        print("bench: 1 passed, 0 failed")
        return
    copies = 1 if args.quick else 4
    rounds = 1 if args.quick else args.rounds
    images, inputs = lay_out(work, photos, copies)
    if args.balance:
        ours = Prerender(args.prerender, work, RENDITIONS, name="prerender-balance")
        for r in range(rounds):
            stats, outputs = ours.run(images, inputs)
            check(outputs)
            log(f"bench: balance round {r + 1}: {stats['wall']:.1f} s wall, {stats['cpu']:.1f} CPU-s")
        report = balance_bench.run(args.prerender, ours.work / "site.yaml", ours.journals)
        print(balance_bench.show(report))
        if args.json:
            Path(args.json).write_text(json.dumps({"balance": report}, indent=2) + "\n")
        print("bench: 1 passed, 0 failed")
        return
    six = [r for r in RENDITIONS if r[3] != "avif"]
    tools = [Prerender(args.prerender, work, RENDITIONS), Prerender(args.prerender, work, six, name="prerender-6"),
             Sharp(Path(args.node_modules), work, pool=False), Sharp(Path(args.node_modules), work, pool=True),
             PerRendition("vipsthumbnail", work, RENDITIONS, vipsthumbnail),
             PerRendition("graphicsmagick", work, six, graphicsmagick)]
    results = {t.name: [] for t in tools}
    log(f"bench: {len(inputs)} inputs, {len(RENDITIONS)} renditions each, {rounds} round(s)")
    for r in range(rounds):
        for tool in tools:
            stats, outputs = tool.run(images, inputs)
            check(outputs)
            stats["bytes"] = bytes_by_format(outputs)
            results[tool.name].append(stats)
            log(f"bench: round {r + 1} {tool.name}: {stats['wall']:.1f} s wall, {stats['cpu']:.1f} CPU-s, "
                f"{stats['rss_mib']:.0f} MiB")

    report = {"inputs": len(inputs), "rounds": rounds, "tools": {}, "ratios": {}}
    for tool in tools:
        report["tools"][tool.name] = summarise(tool, results[tool.name], tool.count(inputs))
    n = tools[0].count(inputs)
    for tool in tools[2:]:
        ours = "prerender-6" if tool.name == "graphicsmagick" else "prerender"
        n_ours = tools[1].count(inputs) if ours == "prerender-6" else n
        report["ratios"][tool.name] = {
            "compared_with": ours,
            "renditions_per_s": paired(results[ours], results[tool.name], n_ours, tool.count(inputs), "rate"),
            "cpu_per_rendition": paired(results[ours], results[tool.name], n_ours, tool.count(inputs), "cpu")}

    if not args.quick:
        # Each point is run once a round, the points interleaved like the tools, and the median run kept:
        # single runs on a shared machine wandered by a third.
        def median_run(runs):
            return sorted(runs, key=lambda r: r["cpu"])[len(runs) // 2]

        scaling = {}
        jobs_runners = {jobs: Prerender(args.prerender, work, RENDITIONS, name=f"prerender-jobs{jobs}", jobs=jobs) for jobs in (1, 2)}
        factor_runners = {}
        for factor in (1, 2, 4):
            imgs, inps = lay_out(work / f"scale{factor}", photos, factor)
            factor_runners[factor] = (Prerender(args.prerender, work, RENDITIONS, name=f"prerender-x{factor}"), imgs, inps)
        big = work / "plan100k"
        big.mkdir(exist_ok=True)
        lines = ["version: 1", "sources: { root: images/ }",
                 (HERE / "workload.yaml").read_text().split("presets:", 1)[1].split("assets:", 1)[0].join(["presets:", ""]),
                 "assets:"]
        names = [i["name"] for i in inputs]
        for k in range(100_000):
            lines.append(f"  - {{ id: a/{k}, source: {names[k % len(names)]}, presets: [jpeg-1920, webp-1280, avif-1280], requests: {(k * 7919) % 100000} }}")
        (big / "site.yaml").write_text("\n".join(lines) + "\n")
        link = big / "images"
        if not link.exists():
            link.symlink_to(images)

        runs = {key: [] for key in ("jobs1", "jobs2", "x1", "x2", "x4", "plan")}
        for r in range(args.rounds):
            for jobs, p in jobs_runners.items():
                stats, outputs = p.run(images, inputs)
                check(outputs)
                runs[f"jobs{jobs}"].append(stats)
            for factor, (p, imgs, inps) in factor_runners.items():
                stats, outputs = p.run(imgs, inps)
                check(outputs)
                runs[f"x{factor}"].append(stats)
            runs["plan"].append(timed([args.prerender, "plan", str(big / "site.yaml")]))
            log(f"scaling round {r + 1}: jobs 1 {runs['jobs1'][-1]['wall']:.1f} s, jobs 2 {runs['jobs2'][-1]['wall']:.1f} s, "
                f"plan {runs['plan'][-1]['wall']:.2f} s")
        for jobs in (1, 2):
            stats = median_run(runs[f"jobs{jobs}"])
            scaling[f"jobs_{jobs}"] = {"wall_s": stats["wall"], "cpu_s": round(stats["cpu"], 2),
                                       "renditions_per_s": round(n / stats["wall"], 2), "peak_rss_mib": round(stats["rss_mib"], 1)}
        scaling["jobs_2_over_jobs_1"] = round(statistics.median(
            one["wall"] / two["wall"] for one, two in zip(runs["jobs1"], runs["jobs2"])), 2)
        for factor, (_, _, inps) in factor_runners.items():
            stats = median_run(runs[f"x{factor}"])
            count = len(inps) * len(RENDITIONS)
            scaling[f"assets_x{factor}"] = {"renditions": count, "cpu_ms_per_rendition": round(stats["cpu"] / count * 1000, 1),
                                            "peak_rss_mib": round(stats["rss_mib"], 1)}
        stats = median_run(runs["plan"])
        scaling["plan_100k_assets"] = {"wall_s": stats["wall"], "cpu_s": round(stats["cpu"], 2), "peak_rss_mib": round(stats["rss_mib"], 1)}
        report["scaling"] = scaling

    # Shards: from the journals of the workload's rounds above.
    report["balance"] = balance_bench.run(args.prerender, tools[0].work / "site.yaml", tools[0].journals)

    # Access logs: prerender popularity against awk | sort | uniq -c on the same generated nginx log.
    report["popularity"] = popularity_bench.run(args.prerender, work / "popularity", 200_000 if args.quick else 10_000_000)

    # Bytes and butteraugli scores of quality: auto, fixed quality and sharp, each rendition against one reference.
    report["quality"] = quality_figure()

    print(f"{'tool':<16}{'renditions':>11}{'wall s':>9}{'CPU s':>9}{'rend/s':>9}{'CPU ms/r':>10}{'RSS MiB':>9}  bytes by format")
    for name, t in report["tools"].items():
        formats = " ".join(f"{k}={v // 1024}K" for k, v in sorted(t["bytes"].items()))
        print(f"{name:<16}{t['renditions']:>11}{t['wall_s']:>9}{t['cpu_s']:>9}{t['renditions_per_s']:>9}"
              f"{t['cpu_ms_per_rendition']:>10}{t['peak_rss_mib']:>9}  {formats}")
    print("paired ratios (median over rounds): prerender renditions/s over the tool's; tool CPU per rendition over prerender's")
    for name, r in report["ratios"].items():
        print(f"  vs {name:<15} {r['renditions_per_s']:>5}x rate   {r['cpu_per_rendition']:>5}x CPU   (against {r['compared_with']})")
    if "scaling" in report:
        print("scaling:", json.dumps(report["scaling"]))
    print("popularity:", json.dumps(report["popularity"]))
    print(balance_bench.show(report["balance"]))
    print(quality_bench.show(report["quality"]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    (cache / "bench-results.json").write_text(json.dumps(report, indent=2) + "\n")
    print("bench: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
