#!/usr/bin/env bash
# Three shards run as separate processes, then merge: the same files, byte for byte, and the same journal
# content as one unsharded run. urls filters the merged journal.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/whole"
make_site "$WORK/sharded"
run_prerender run "$WORK/whole/site.yaml" --jobs 2
expect_status 0

pids=()
for k in 0 1 2; do
  "$PRERENDER" run "$WORK/sharded/site.yaml" --shard "$k/3" --jobs 1 >"$WORK/shard-$k.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a shard failed"; done
for k in 0 1 2; do [[ -f "$WORK/sharded/public/renditions-$k-of-3.jsonl" ]] || fail "shard $k wrote no journal"; done
run_prerender merge "$WORK/sharded/site.yaml"
expect_status 0
expect_out "merged 3 shard journals: 48 renditions, 48 changed"

(cd "$WORK/whole/public" && find . -type f \( -name '*.jpg' -o -name '*.webp' -o -name '*.png' -o -name '*.avif' \) | sort) >"$WORK/files-whole"
(cd "$WORK/sharded/public" && find . -type f \( -name '*.jpg' -o -name '*.webp' -o -name '*.png' -o -name '*.avif' \) | sort) >"$WORK/files-sharded"
cmp -s "$WORK/files-whole" "$WORK/files-sharded" || fail "shards wrote other files than the whole run"
while IFS= read -r f; do
  cmp -s "$WORK/whole/public/$f" "$WORK/sharded/public/$f" || fail "bytes differ: $f"
done <"$WORK/files-whole"
"$PYTHON" - "$WORK/whole/public/renditions.jsonl" "$WORK/sharded/public/renditions.jsonl" <<'PY'
import json, sys
def content(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        out[(r["asset"], r["preset"], r["format"], r["dpr"])] = (r["path"], r["url"], r["bytes"], r["etag"], r["width"],
                                                               r["height"], r["status"], r["source_hash"], r["recipe_hash"])
    return out
a, b = content(sys.argv[1]), content(sys.argv[2])
assert a == b, set(a.items()) ^ set(b.items())
PY
sort "$WORK/whole/public/urls.txt" >"$WORK/u1"; sort "$WORK/sharded/public/urls.txt" >"$WORK/u2"
cmp -s "$WORK/u1" "$WORK/u2" || fail "merged urls.txt differs"

run_prerender urls "$WORK/sharded/site.yaml" --preset square --asset 'portrait-*'
expect_status 0
[[ $(wc -l <"$WORK/out") == 16 ]] || fail "urls --preset square --asset 'portrait-*' should list 16"
run_prerender urls "$WORK/sharded/site.yaml" --renderer-version 0.0.0-none
[[ ! -s "$WORK/out" ]] || fail "no URL was made by an unknown renderer version"
