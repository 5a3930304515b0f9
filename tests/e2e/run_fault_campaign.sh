#!/usr/bin/env bash
# Faults as a nightly job meets them: kill -9 at 20 random moments, a file-size limit that makes writes
# fail (a full disk), an output folder replaced by a file, and a memory budget half of what the assets
# need. After each: every output decodes, the journal parses, no temporaries, nothing missing at the end.
source "$(dirname "$0")/lib.sh"
make_slow_site "$WORK/site" 12
public="$WORK/site/public"

for round in $(seq 1 20); do
  "$PRERENDER" run "$WORK/site/site.yaml" --jobs 2 >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ -f "$public/renditions.jsonl" ]]; then
    "$PYTHON" - "$public" <<'PY'
import json, os, sys
root = sys.argv[1]
lines = open(f"{root}/renditions.jsonl").read().split("\n")
for line in lines[:-1]:
    r = json.loads(line)
    if r["status"] != "failed":
        assert os.path.getsize(os.path.join(root, r["path"])) == r["bytes"], r["path"]
PY
  fi
done
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
check_outputs "$public"
[[ $(wc -l <"$public/urls.txt") == 36 ]] || fail "not every rendition is present after 20 kills"

# A full disk: RLIMIT_FSIZE makes every write past 20 KiB fail. The renditions fail cleanly, with no
# partial file at their paths, and the journal stays valid.
rm -rf "$public"
mkdir -p "$public"
set +e
( ulimit -f 40; exec "$PRERENDER" run "$WORK/site/site.yaml" --jobs 1 ) >"$WORK/out" 2>"$WORK/err"
STATUS=$?
set -e
expect_status 1
expect_err "File too large"
check_outputs "$public"
"$PYTHON" - "$public" <<'PY'
import json, os, sys
root = sys.argv[1]
for line in open(f"{root}/renditions.jsonl"):
    r = json.loads(line)
    path = os.path.join(root, r["path"])
    if r["status"] == "failed":
        assert not os.path.exists(path), f"partial file at {path}"
    else:
        assert os.path.getsize(path) == r["bytes"]
PY
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0

# An output folder replaced by a file: that asset's renditions fail, the others are untouched.
rm -rf "$public/photo-3"
echo "not a folder" >"$public/photo-3"
run_prerender run "$WORK/site/site.yaml" --jobs 2 --force
expect_status 1
expect_err "failed: photo-3 big"
expect_err "33 rendered"
[[ "$(cat "$public/photo-3")" == "not a folder" ]] || fail "the file in the way was changed"
rm "$public/photo-3"

# Assets that together need twice the budget: the run completes with peak RSS inside the budget plus the
# process's own ~40 MiB; no admitted estimate goes over the budget (an asset over it alone is refused).
rm -rf "$public"
budget_mib=60
run_prerender run "$WORK/site/site.yaml" --jobs 2 --memory ${budget_mib}MiB
expect_status 0
"$PYTHON" - "$public/run.json" "$budget_mib" "$SANITIZED" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
budget = int(sys.argv[2]) * 2**20
rss = s["peak_rss_bytes"]
assert s["peak_admitted_estimate_bytes"] <= budget, s
if sys.argv[3] == "0":  # AddressSanitizer's shadow memory is not ours to budget
    assert rss <= budget + 80 * 2**20, f"peak RSS {rss / 2**20:.0f} MiB over a {budget / 2**20:.0f} MiB budget"
print(f"budget {budget / 2**20:.0f} MiB, peak RSS {rss / 2**20:.0f} MiB, largest admitted estimate {s['peak_admitted_estimate_bytes'] / 2**20:.0f} MiB")
PY
