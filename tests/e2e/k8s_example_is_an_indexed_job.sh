#!/usr/bin/env bash
# examples/k8s: the render Job is an Indexed Job whose pods run `prerender run ... --shard auto --shards N`
# with N equal to its completions, are never restarted in place, retry each index on its own
# (backoffLimitPerIndex), fail an index at once on exit 2 and retry on exit 75; the merge Job runs
# `prerender merge` on the same manifest and volume. A check of the fields; no cluster needed.
source "$(dirname "$0")/lib.sh"
"$PYTHON" -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (scripts/setup --test installs it)"
"$PYTHON" - "$PRERENDER_SOURCE_DIR/examples/k8s" <<'PY'
import sys, yaml

folder = sys.argv[1]
def load(name):
    with open(f"{folder}/{name}") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    assert len(docs) == 1, f"{name}: one document expected, found {len(docs)}"
    job = docs[0]
    assert job.get("apiVersion") == "batch/v1" and job.get("kind") == "Job", f"{name}: not a batch/v1 Job"
    return job

def container(job, name):
    pod = job["spec"]["template"]["spec"]
    assert pod.get("restartPolicy") == "Never", f"{name}: restartPolicy must be Never (podFailurePolicy needs it)"
    (c,) = [c for c in pod["containers"] if c["name"] == "prerender"]
    return pod, c

def rule(job, name, code):
    found = [r["action"] for r in job["spec"]["podFailurePolicy"]["rules"]
             if r.get("onExitCodes", {}).get("operator") == "In" and code in r["onExitCodes"]["values"]
             and r["onExitCodes"].get("containerName") == "prerender"]
    assert len(found) == 1, f"{name}: exactly one podFailurePolicy rule must match exit {code}, found {found}"
    return found[0]

render = load("render-job.yaml")
spec = render["spec"]
assert spec.get("completionMode") == "Indexed", "render-job.yaml: completionMode must be Indexed"
completions = spec["completions"]
assert isinstance(completions, int) and completions >= 2, "render-job.yaml: completions must be a count >= 2"
assert 1 <= spec.get("parallelism", completions) <= completions, "render-job.yaml: parallelism must be 1..completions"
limit = spec.get("backoffLimitPerIndex")
assert isinstance(limit, int) and limit >= 1, "render-job.yaml: backoffLimitPerIndex must be set (>= 1)"
assert "backoffLimit" not in spec, "render-job.yaml: backoffLimit would cap the retries of all indexes together"
assert rule(render, "render-job.yaml", 2) == "FailIndex", "render-job.yaml: exit 2 must fail the index at once"
assert rule(render, "render-job.yaml", 75) in ("Ignore", "Count"), "render-job.yaml: exit 75 must be retried"
pod, c = container(render, "render-job.yaml")
cmd = c["command"]
assert cmd[:2] == ["prerender", "run"], f"render-job.yaml: runs {cmd[:2]}, not prerender run"
assert "--shard" in cmd and cmd[cmd.index("--shard") + 1] == "auto", "render-job.yaml: needs --shard auto"
assert "--shards" in cmd, "render-job.yaml: --shard auto needs --shards N on Kubernetes"
shards = int(cmd[cmd.index("--shards") + 1])
assert shards == completions, f"render-job.yaml: --shards {shards} but completions {completions}"

merge = load("merge-job.yaml")
mpod, m = container(merge, "merge-job.yaml")
assert m["command"][:2] == ["prerender", "merge"], "merge-job.yaml: must run prerender merge"
assert m["command"][2] == cmd[2], f"merge-job.yaml merges {m['command'][2]}, the render Job runs {cmd[2]}"
assert m["image"] == c["image"], "merge-job.yaml: another image than the render Job's"
assert mpod["volumes"] == pod["volumes"] and m["volumeMounts"] == c["volumeMounts"], \
    "merge-job.yaml: must mount the render Job's volume where it does"
assert "completionMode" not in merge["spec"], "merge-job.yaml: one pod, not an Indexed Job"
print(f"render Job: {completions} indexes, --shards {shards}, backoffLimitPerIndex {limit}")
PY
