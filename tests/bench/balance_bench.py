"""The balance figure: slowest / mean shard seconds for 2, 4 and 8 shards, dealt by cost (the default of
--shard) and by the hash of the id alone (--shard-by hash), from the seconds per asset the workload's runs
measured (their journals' cost_seconds, summed per asset).

  same run:  the shards' seconds are the costs they were dealt by (what `plan --shards N` estimates);
  next run:  dealt by the first run's journal, timed by the last run's: what a rerun meets, measurement
             noise included (each run starts from an empty output root, so no cost is kept from before).
"""
import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path


def costs(journal: Path):
    per_asset = defaultdict(float)
    for line in journal.read_text().splitlines():
        record = json.loads(line)
        per_asset[record["asset"]] += record.get("cost_seconds", 0)
    return per_asset


def dealt(binary, site: Path, count: int, by: str):
    """The asset ids of every shard, as `plan --shard K/N` lists them."""
    shards = []
    for k in range(count):
        out = subprocess.run([binary, "plan", str(site), "--shard", f"{k}/{count}", "--shard-by", by, "--json"],
                             check=True, capture_output=True, text=True).stdout
        shards.append({json.loads(line)["asset"] for line in out.splitlines()})
    return shards


def ratio(shards, seconds):
    loads = [sum(seconds[a] for a in shard) for shard in shards]
    mean = sum(loads) / len(loads)
    return round(max(loads) / mean, 3) if mean > 0 else None


def run(binary, site: Path, journals):
    """`journals`: the journals of successive runs of `site` (at least one); site's output root is
    public/. Returns {"same_run": {by: {N: ratio}}, "next_run": ... (with two journals or more)}."""
    root = site.parent / "public" / "renditions.jsonl"
    kept = root.read_bytes() if root.exists() else None
    report = {}
    try:
        for label, deal_by, time_by in (("same_run", journals[-1], journals[-1]), ("next_run", journals[0], journals[-1])):
            if label == "next_run" and len(journals) < 2:
                continue
            shutil.copyfile(deal_by, root)
            seconds = costs(time_by)
            report[label] = {by: {n: ratio(dealt(binary, site, n, by), seconds) for n in (2, 4, 8)} for by in ("cost", "hash")}
    finally:
        if kept is not None:
            root.write_bytes(kept)
    return report


def show(report):
    lines = ["balance: slowest / mean shard seconds (measured cost_seconds per asset)"]
    for label, figures in report.items():
        for by, ratios in figures.items():
            lines.append(f"  {label:<9} by {by:<5} " + "   ".join(f"{n} shards {r}x" for n, r in ratios.items()))
    return "\n".join(lines)
