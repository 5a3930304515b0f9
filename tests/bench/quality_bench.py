"""Quality at equal bytes: what `quality: auto` buys against fixed qualities and against sharp's defaults.

Every rendition is scored by prerender_quality_score (tests/bench/quality_score.cpp): the butteraugli 3-norm
(libjxl) of the tool's decoded output against one precise resize of its source at that output's size (decoded,
autorotated, sRGB, float, flattened on white, lanczos3 with no box pre-shrink, rounded to 8 bits), the same
reference for every tool. The workload: the benchmark photos at 1280 and 640 wide and the graphics of
graphics.txt at min(width, 1280), each as JPEG, WebP and AVIF.

  (a) prerender at the workload's fixed settings: jpeg q80 4:2:0, webp q75, avif q50 effort 3 8-bit 4:2:0
  (b) prerender with quality: auto (the same presets, the default targets), then a --force rerun of it
  (c) sharp at its own defaults: .jpeg() q80, .webp() q80, .avif() q50 (4:4:4, effort 4), resize lanczos3
  (d) prerender at the fixed quality whose mean score over the workload is closest to sharp's mean at (c),
      found by a few tries (a secant over qualities), each format on its own

Each configuration runs once per format and round, as a process of its own (so CPU, user + sys, is per format),
the configurations interleaved round by round; ratios are medians of per-round ratios. p50 and p95 are nearest
rank. It prints a table and asserts nothing.
"""
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FORMATS = ("jpeg", "webp", "avif")
EXT = {"jpeg": "jpg", "webp": "webp", "avif": "avif", "png": "png"}
FIXED = {"jpeg": 80, "webp": 75, "avif": 50}  # workload.yaml's
SHARP = {"jpeg": 80, "webp": 80, "avif": 50}  # sharp's defaults
# workload.yaml's, but for chroma_subsampling: 4:2:0 is JPEG's and AVIF's default, left unset so that
# quality: auto may take 4:4:4 where 4:2:0 cannot reach its target (the fixed qualities stay 4:2:0).
OPTIONS = {"jpeg": "progressive: false", "webp": "", "avif": "effort: 3, bitdepth: 8", "png": ""}
SHARP_NAMES = {"jpeg": ".jpeg() q80", "webp": ".webp() q80", "avif": ".avif() q50"}
# quality: auto's default targets (README "quality: auto"), unless `prerender presets --json` shows others.
TARGETS = {"jpeg": 1.5, "webp": 1.5, "avif": 1.8}
OVER_TARGET = 0.1


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def read_graphics():
    graphics = []
    for line in (HERE / "graphics.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, package, path, size, nbytes, sha, licence = line.split(None, 6)
        w, h = (int(v) for v in size.split("x"))
        graphics.append({"name": name, "package": package, "path": path, "width": w, "height": h, "sha256": sha,
                         "licence": licence})
    return graphics


def nearest_rank(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def median_ratio(ours, theirs):
    return round(statistics.median(a["cpu"] / b["cpu"] for a, b in zip(ours, theirs)), 2)


class Workload:
    """The sources laid out in one folder, and the renditions each format gets."""

    def __init__(self, work: Path, photos, graphics, widths, graphic_width):
        self.images = work / "images"
        shutil.rmtree(self.images, ignore_errors=True)
        self.images.mkdir(parents=True)
        self.widths = sorted({*widths, graphic_width}, reverse=True)
        self.items = []
        for p in photos:
            self.items.append({"name": p["stem"], "kind": "photo", "file": p["file"], "width": p["width"],
                               "height": p["height"], "widths": list(widths), "suffix": ".jpg"})
        for g in graphics:
            self.items.append({"name": g["name"], "kind": "graphic", "file": g["file"], "width": g["width"],
                               "height": g["height"], "widths": [graphic_width], "suffix": Path(g["path"]).suffix})
        for item in self.items:
            item["source"] = self.images / (item["name"] + item["suffix"])
            if os.stat(item["file"]).st_dev == os.stat(self.images).st_dev:
                os.link(item["file"], item["source"])
            else:
                shutil.copy(item["file"], item["source"])

    def renditions(self, fmt):
        """(item, preset, box width, output width, output height) of every rendition of `fmt`."""
        out = []
        for item in self.items:
            for w in item["widths"]:
                width = min(w, item["width"])
                out.append((item, f"{fmt}-{w}", w, width, round(item["height"] * width / item["width"])))
        return out

    def count(self, fmt):
        return len(self.renditions(fmt))


class PrerenderConfig:
    """One prerender manifest over the workload: `qualities` {format: quality, "auto" or None (the format's default)}."""

    def __init__(self, binary, folder: Path, workload: Workload, qualities, timed):
        self.binary, self.folder, self.workload, self.qualities, self.timed = binary, folder, workload, qualities, timed
        folder.mkdir(parents=True, exist_ok=True)
        link = folder / "images"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(workload.images)
        lines = ["version: 1", "sources: { root: images/ }", "output: { root: public/ }", "presets:"]
        for fmt, quality in qualities.items():
            for w in workload.widths:
                options = ", ".join(o for o in (f"resize: {{ width: {w} }}", f"format: {fmt}",
                                                f"quality: {quality}" if quality is not None else "", OPTIONS[fmt]) if o)
                lines.append(f"  {fmt}-{w}: {{ {options} }}")
        lines.append("assets:")
        for item in workload.items:
            presets = ", ".join(f"{fmt}-{w}" for fmt in qualities for w in item["widths"])
            lines.append(f"  - {{ id: {item['name']}, source: {item['source'].name}, presets: [{presets}] }}")
        self.site = folder / "site.yaml"
        self.site.write_text("\n".join(lines) + "\n")

    def run(self, force=False):
        """A run from an empty output root, or with `force` a --force rerun over the last one's."""
        public = self.folder / "public"
        if not force:
            shutil.rmtree(public, ignore_errors=True)
        stats = self.timed([self.binary, "run", str(self.site), "--jobs", "2", "-q"] + (["--force"] if force else []))
        journal = {}
        for line in (public / "renditions.jsonl").read_text().splitlines():
            record = json.loads(line)
            journal[(record["asset"], record["preset"])] = record
        stats["journal"] = journal
        return stats

    def outputs(self, fmt, journal):
        rows = []
        for item, preset, _, w, h in self.workload.renditions(fmt):
            record = journal[(item["name"], preset)]
            rows.append({"asset": item["name"], "kind": item["kind"], "preset": preset, "source": item["source"],
                         "path": self.folder / "public" / item["name"] / f"{preset}.{EXT[fmt]}", "width": w, "height": h,
                         "quality": record.get("quality"), "own_score": record.get("score"),
                         "remembered": bool(record.get("quality_remembered"))})
        return rows


class SharpConfig:
    def __init__(self, node_modules: Path, folder: Path, workload: Workload, formats, timed):
        self.node_modules, self.folder, self.workload, self.formats, self.timed = (
            node_modules, folder, workload, formats, timed)
        self.out = folder / "out"
        jobs = []
        for item in workload.items:
            outputs = [{"path": str(self.out / f"{item['name']}-{preset}.{EXT[fmt]}"), "width": box, "format": fmt}
                       for fmt in formats for it, preset, box, _, _ in workload.renditions(fmt) if it is item]
            jobs.append({"source": str(item["source"]), "outputs": outputs})
        folder.mkdir(parents=True, exist_ok=True)
        self.jobs = folder / "jobs.json"
        self.jobs.write_text(json.dumps(jobs, indent=1) + "\n")

    def run(self):
        shutil.rmtree(self.out, ignore_errors=True)
        self.out.mkdir(parents=True)
        env = dict(os.environ, NODE_PATH=str(self.node_modules))
        return self.timed(["node", str(HERE / "sharp_quality.js"), str(self.jobs)], env=env)

    def outputs(self, fmt):
        return [{"asset": item["name"], "kind": item["kind"], "preset": preset, "source": item["source"],
                 "path": self.out / f"{item['name']}-{preset}.{EXT[fmt]}", "width": w, "height": h,
                 "quality": SHARP.get(fmt)}
                for item, preset, _, w, h in self.workload.renditions(fmt)]


class Scorer:
    """prerender_quality_score as a coprocess: its references stay in memory across batches. Scores are kept by
    the output's bytes, so identical outputs (a rerun, the same quality tried twice) are scored once."""

    def __init__(self, binary):
        self.process = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.known = {}
        self.seconds = 0.0

    def score(self, rows):
        """Sets each row's `score` and `bytes`."""
        todo = {}
        for row in rows:
            data = Path(row["path"]).read_bytes()
            row["bytes"] = len(data)
            row["key"] = (str(row["source"]), hashlib.sha256(data).hexdigest())
            if row["key"] not in self.known:
                todo[row["key"]] = row
        if todo:
            start = time.monotonic()
            pairs = list(todo.values())
            self.process.stdin.write("".join(f"{r['source']}\t{r['path']}\n" for r in pairs) + "\n")
            self.process.stdin.flush()
            for r in pairs:
                line = self.process.stdout.readline().rstrip("\n")
                if not line or line.startswith("error"):
                    sys.exit(f"bench: quality score of {r['path']}: {line or 'no answer'}")
                self.known[r["key"]] = float(line)
            if self.process.stdout.readline().strip():
                sys.exit("bench: quality score: a batch did not end with a blank line")
            self.seconds += time.monotonic() - start
        for row in rows:
            row["score"] = self.known[row["key"]]
            del row["key"]
        return rows

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def digests(rows):
    return [hashlib.sha256(Path(r["path"]).read_bytes()).hexdigest() for r in rows]


def summary(rows):
    scores = [r["score"] for r in rows]
    qualities = [r["quality"] for r in rows if r.get("quality") is not None]
    out = {"renditions": len(rows), "bytes": sum(r["bytes"] for r in rows),
           "p50": round(nearest_rank(scores, 50), 3), "p95": round(nearest_rank(scores, 95), 3),
           "max": round(max(scores), 3), "mean": round(statistics.fmean(scores), 3),
           "qualities": [min(qualities), max(qualities)] if qualities else None}
    for kind in ("photo", "graphic"):
        part = [r["score"] for r in rows if r["kind"] == kind]
        if part:
            out[f"{kind}_p95"] = round(nearest_rank(part, 95), 3)
            out[f"{kind}_bytes"] = sum(r["bytes"] for r in rows if r["kind"] == kind)
    return out


def propose(tried, target):
    """The next quality to try for a mean score of `target`, from {quality: mean score}; None when done. The score
    falls as quality rises: a secant between the closest qualities on either side, or beyond the side known."""
    if any(abs(m - target) <= 0.01 for m in tried.values()):
        return None
    worse = sorted(q for q, m in tried.items() if m > target)
    better = sorted(q for q, m in tried.items() if m <= target)
    if worse and better:
        lo, hi = worse[-1], better[0]
        if hi - lo <= 1:
            return None
        q = lo + (tried[lo] - target) / (tried[lo] - tried[hi]) * (hi - lo)
        return min(hi - 1, max(lo + 1, round(q)))
    side = worse[-2:] if worse else better[:2]
    step = 8 if worse else -8
    if len(side) == 2 and tried[side[0]] != tried[side[1]]:
        a, b = side
        slope = (tried[b] - tried[a]) / (b - a)
        if slope < 0:
            near = side[-1] if worse else side[0]
            step = max(-25, min(25, round((target - tried[near]) / slope)))
            step = step or (1 if worse else -1)
    q = (worse[-1] if worse else better[0]) + step
    q = min(100, max(1, q))
    return None if q in tried else q


def default_targets(binary, site):
    """The targets quality: auto uses in `site`, from its resolved presets (encode.FORMAT.quality_auto)."""
    targets = dict(TARGETS)
    out = subprocess.run([binary, "presets", str(site), "--json"], capture_output=True, text=True)
    try:
        presets = json.loads(out.stdout) if out.returncode == 0 else {}
    except json.JSONDecodeError:
        presets = {}
    for preset in presets.values():
        for fmt, encode in preset.get("encode", {}).items():
            auto = encode.get("quality_auto") if isinstance(encode, dict) else None
            if fmt in targets and isinstance(auto, dict) and "butteraugli" in auto:
                targets[fmt] = auto["butteraugli"]
    return targets


def run(binary, scorer_binary, node_modules, work: Path, photos, graphics, quick, rounds, timed, check):
    """The quality figure (see the module's docstring). `photos` and `graphics` have been fetched (their "file")."""
    if quick:
        photos, graphics, widths, graphic_width, tries = photos[:1], graphics[:2], (640,), 640, 2
    else:
        widths, graphic_width, tries = (1280, 640), 1280, 4
    work.mkdir(parents=True, exist_ok=True)
    workload = Workload(work, photos, graphics, widths, graphic_width)
    fixed = {f: PrerenderConfig(binary, work / f"fixed-{f}", workload, {f: FIXED[f]}, timed) for f in FORMATS}
    auto = {f: PrerenderConfig(binary, work / f"auto-{f}", workload, {f: "auto"}, timed) for f in FORMATS}
    sharp = {f: SharpConfig(node_modules, work / f"sharp-{f}", workload, [f], timed) for f in FORMATS}
    targets = {f: default_targets(binary, auto[f].site)[f] for f in FORMATS}
    scorer = Scorer(scorer_binary)

    def checked(rows):
        check([(r["path"], r["width"], r["height"]) for r in rows])
        return rows

    # (d): sharp's mean score per format, then the prerender quality that meets it.
    sharp_rows = {}
    for f in FORMATS:
        sharp[f].run()
        sharp_rows[f] = scorer.score(checked(sharp[f].outputs(f)))
    sharp_mean = {f: statistics.fmean(r["score"] for r in sharp_rows[f]) for f in FORMATS}
    tried = {f: {} for f in FORMATS}
    proposal = dict(SHARP)
    for attempt in range(tries):
        todo = {f: q for f, q in proposal.items() if q is not None and q not in tried[f]}
        if not todo:
            break
        config = PrerenderConfig(binary, work / "search", workload, todo, timed)
        journal = config.run()["journal"]
        for f, q in todo.items():
            rows = scorer.score(checked(config.outputs(f, journal)))
            tried[f][q] = statistics.fmean(r["score"] for r in rows)
            proposal[f] = propose(tried[f], sharp_mean[f])
        log(f"bench: quality match try {attempt + 1}: " + ", ".join(
            f"{f} q{q} mean {tried[f][q]:.3f} (sharp {sharp_mean[f]:.3f})" for f, q in todo.items()))
    matched_q = {f: min(tried[f], key=lambda q: (abs(tried[f][q] - sharp_mean[f]), -q)) for f in FORMATS}

    # The resize alone: both tools' lossless PNGs against the same references, once.
    resize_only = {}
    config = PrerenderConfig(binary, work / "resize-prerender", workload, {"png": None}, timed)
    resize_only["prerender"] = summary(scorer.score(checked(config.outputs("png", config.run()["journal"]))))
    lossless = SharpConfig(node_modules, work / "resize-sharp", workload, ["png"], timed)
    lossless.run()
    resize_only["sharp"] = summary(scorer.score(checked(lossless.outputs("png"))))
    matched = {f: PrerenderConfig(binary, work / f"matched-{f}", workload, {f: matched_q[f]}, timed) for f in FORMATS}

    # The timed rounds, interleaved.
    stats = {key: {f: [] for f in FORMATS} for key in ("a", "b", "b_force", "c", "d")}
    last = {}
    for r in range(rounds):
        for f in FORMATS:
            stats["a"][f].append(fixed[f].run())
            stats["b"][f].append(auto[f].run())
            first = digests(auto[f].outputs(f, stats["b"][f][-1]["journal"]))
            stats["b_force"][f].append(auto[f].run(force=True))
            stats["b_force"][f][-1]["same_bytes"] = sum(
                a == b for a, b in zip(first, digests(auto[f].outputs(f, stats["b_force"][f][-1]["journal"]))))
            stats["c"][f].append(sharp[f].run())
            stats["d"][f].append(matched[f].run())
            log(f"bench: quality round {r + 1} {f}: CPU s (a) {stats['a'][f][-1]['cpu']:.1f}, "
                f"(b) {stats['b'][f][-1]['cpu']:.1f}, --force {stats['b_force'][f][-1]['cpu']:.1f}, "
                f"(c) {stats['c'][f][-1]['cpu']:.1f}, (d) {stats['d'][f][-1]['cpu']:.1f}")
    for f in FORMATS:
        last[("a", f)] = fixed[f].outputs(f, stats["a"][f][-1]["journal"])
        last[("b", f)] = auto[f].outputs(f, stats["b"][f][-1]["journal"])
        last[("b_force", f)] = auto[f].outputs(f, stats["b_force"][f][-1]["journal"])
        last[("c", f)] = sharp[f].outputs(f)
        last[("d", f)] = matched[f].outputs(f, stats["d"][f][-1]["journal"])
    for rows in last.values():
        scorer.score(checked(rows))
    scorer.close()
    log(f"bench: quality scoring took {scorer.seconds:.0f} s wall")

    report = {"renditions_per_format": workload.count("jpeg"), "rounds": rounds, "targets": targets,
              "over_target_margin": OVER_TARGET, "resize_only": resize_only, "formats": {}, "all_formats": {}}
    for f in FORMATS:
        cpu = {key: round(statistics.median(s["cpu"] for s in stats[key][f]), 2) for key in stats}
        entry = {key: dict(summary(last[(key, f)]), cpu_s=cpu[key]) for key in ("a", "b", "c", "d")}
        # (b)'s files are the --force rerun's, which wrote the same bytes when same_bytes is every rendition.
        entry["b_force"] = {"cpu_s": cpu["b_force"],
                            "remembered": sum(r["remembered"] for r in last[("b_force", f)]),
                            "same_quality": sum(x["quality"] == y["quality"] for x, y in zip(last[("b", f)], last[("b_force", f)])),
                            "same_bytes": min(s["same_bytes"] for s in stats["b_force"][f])}
        entry["d"]["quality"] = matched_q[f]
        entry["d"]["tries"] = {str(q): round(m, 3) for q, m in sorted(tried[f].items())}
        entry["d"]["sharp_mean"] = round(sharp_mean[f], 3)
        b, c = entry["b"], entry["c"]
        entry["b_vs_c"] = {"bytes_pct": round((b["bytes"] / c["bytes"] - 1) * 100, 1), "p95": b["p95"], "sharp_p95": c["p95"],
                           "met": b["bytes"] <= 0.85 * c["bytes"] and b["p95"] <= c["p95"]}
        entry["b_over_target"] = sum(r["score"] > targets[f] + OVER_TARGET for r in last[("b", f)])
        entry["b_own_over_target"] = sum((r["own_score"] or 0) > targets[f] + OVER_TARGET for r in last[("b", f)])
        own = [(r["own_score"], r["score"]) for r in last[("b", f)] if r["own_score"] is not None]
        if len(own) >= 2:
            diffs = [ref - mine for mine, ref in own]
            entry["b_own_score"] = {
                "renditions": len(own), "own_mean": round(statistics.fmean(m for m, _ in own), 3),
                "reference_mean": round(statistics.fmean(ref for _, ref in own), 3),
                "mean_difference": round(statistics.fmean(diffs), 3), "max_abs_difference": round(max(map(abs, diffs)), 3),
                "correlation": round(statistics.correlation([m for m, _ in own], [ref for _, ref in own]), 3)
                if len({m for m, _ in own}) > 1 and len({ref for _, ref in own}) > 1 else None}
        entry["cpu_ratios"] = {"b_over_a": median_ratio(stats["b"][f], stats["a"][f]),
                               "b_force_over_a": median_ratio(stats["b_force"][f], stats["a"][f]),
                               "a_over_c": median_ratio(stats["a"][f], stats["c"][f]),
                               "d_over_c": median_ratio(stats["d"][f], stats["c"][f])}
        entry["renditions"] = [
            {"asset": r["asset"], "kind": r["kind"], "preset": r["preset"], "width": r["width"], "height": r["height"],
             **{key: {"bytes": row["bytes"], "score": row["score"], "quality": row.get("quality"),
                      **({"own_score": row["own_score"]} if key == "b" else {})}
                for key, row in (("a", last[("a", f)][i]), ("b", last[("b", f)][i]), ("c", last[("c", f)][i]),
                                 ("d", last[("d", f)][i]))}}
            for i, r in enumerate(last[("a", f)])]
        report["formats"][f] = entry

    def total(key):
        return [{"cpu": sum(stats[key][f][r]["cpu"] for f in FORMATS)} for r in range(rounds)]

    report["all_formats"] = {"b_over_a": median_ratio(total("b"), total("a")),
                             "b_force_over_a": median_ratio(total("b_force"), total("a")),
                             "a_over_c": median_ratio(total("a"), total("c")),
                             "d_over_c": median_ratio(total("d"), total("c")),
                             "bytes_b_vs_c_pct": round((sum(report["formats"][f]["b"]["bytes"] for f in FORMATS) /
                                                        sum(report["formats"][f]["c"]["bytes"] for f in FORMATS) - 1) * 100, 1)}
    return report


def show(report):
    def qualities(s):
        q = s.get("qualities")
        return "" if not q else str(q[0]) if q[0] == q[1] else f"{q[0]}-{q[1]}"

    n, t = report["renditions_per_format"], report["targets"]
    lines = [f"quality: butteraugli 3-norm of each rendition against a lanczos3 reference resize of its source; "
             f"{n} renditions a format, CPU the median of {report['rounds']} round(s)",
             f"{'format':<7}{'configuration':<34}{'bytes':>11}{'vs (c)':>8}{'p50':>7}{'p95':>7}{'max':>7}{'mean':>7}"
             f"{'CPU s':>8}  quality"]
    for f, e in report["formats"].items():
        names = {"a": f"(a) prerender q{e['a']['qualities'][0]}", "b": f"(b) prerender auto ({t[f]})",
                 "c": f"(c) sharp {SHARP_NAMES[f]}", "d": f"(d) prerender q{e['d']['quality']}, sharp's mean"}
        for key in ("a", "b", "c", "d"):
            s = e[key]
            vs = "" if key == "c" else f"{(s['bytes'] / e['c']['bytes'] - 1) * 100:+.1f}%"
            nbytes = f"{s['bytes']:,}".replace(",", " ")
            lines.append(f"{f:<7}{names[key]:<34}{nbytes:>11}{vs:>8}{s['p50']:>7.2f}{s['p95']:>7.2f}{s['max']:>7.2f}"
                         f"{s['mean']:>7.2f}{s['cpu_s']:>8.2f}  {qualities(s)}")
            if key == "b":
                lines.append(f"{f:<7}{'    --force rerun':<34}{'':>11}{'':>8}{'':>28}{e['b_force']['cpu_s']:>8.2f}  "
                             f"{e['b_force']['remembered']}/{n} remembered, {e['b_force']['same_quality']}/{n} same quality, "
                             f"{e['b_force']['same_bytes']}/{n} same bytes")
    lines.append("(b) against (c), target: >= 15% fewer bytes than sharp at a p95 score no worse")
    for f, e in report["formats"].items():
        v = e["b_vs_c"]
        lines.append(f"  {f:<5} {v['bytes_pct']:+.1f}% bytes, p95 {v['p95']:.2f} against {v['sharp_p95']:.2f}: "
                     f"{'met' if v['met'] else 'not met'}")
    lines.append(f"  all   {report['all_formats']['bytes_b_vs_c_pct']:+.1f}% bytes")
    lines.append(f"(b) renditions whose score exceeds the target + {report['over_target_margin']}, by the reference "
                 f"(by prerender's own score): " + ", ".join(
                     f"{f} {e['b_over_target']}/{n} ({e['b_own_over_target']}/{n}, target {t[f]})"
                     for f, e in report["formats"].items()))
    a = report["all_formats"]
    lines.append("(b) CPU over (a), targets: first run <= 2.5x, --force rerun <= 1.05x")
    lines.append("  " + ", ".join(f"{f} {e['cpu_ratios']['b_over_a']}x / {e['cpu_ratios']['b_force_over_a']}x"
                                  for f, e in report["formats"].items())
                 + f"; all formats first run {a['b_over_a']}x, --force rerun {a['b_force_over_a']}x")
    lines.append("CPU prerender/sharp, at the fixed settings (a)/(c) and at matched quality (d)/(c)")
    lines.append("  " + ", ".join(f"{f} {e['cpu_ratios']['a_over_c']}x, q{e['d']['quality']} {e['cpu_ratios']['d_over_c']}x "
                                  f"(mean {e['d']['mean']:.3f} against {e['d']['sharp_mean']:.3f})"
                                  for f, e in report["formats"].items())
                 + f"; all formats {a['a_over_c']}x, matched {a['d_over_c']}x")
    lines.append("(b) prerender's own score (journal, against its pixels before encoding) and the reference score")
    for f, e in report["formats"].items():
        o = e.get("b_own_score")
        if o:
            lines.append(f"  {f:<5} own mean {o['own_mean']:.3f}, reference mean {o['reference_mean']:.3f}, "
                         f"reference - own {o['mean_difference']:+.3f} (largest {o['max_abs_difference']:.3f}), "
                         f"correlation {o['correlation']}")
    lines.append("the resize alone (lossless PNG), p50/p95/max/mean, photos p95 / graphics p95: " + "; ".join(
        f"{tool} {r['p50']:.2f}/{r['p95']:.2f}/{r['max']:.2f}/{r['mean']:.2f}, {r.get('photo_p95')} / {r.get('graphic_p95')}"
        for tool, r in report["resize_only"].items()))
    lines.append("p95 photos / graphics: " + ", ".join(
        f"{f} (a) {e['a'].get('photo_p95')}/{e['a'].get('graphic_p95')} (b) {e['b'].get('photo_p95')}/"
        f"{e['b'].get('graphic_p95')} (c) {e['c'].get('photo_p95')}/{e['c'].get('graphic_p95')}"
        for f, e in report["formats"].items()))
    return "\n".join(lines)
