#!/usr/bin/env bash
# output.root: s3://bucket/prefix against a real S3-compatible server on loopback that checks every SigV4
# signature (moto's server with IAM authentication), behind a proxy that can fail PUTs: a wrong secret is
# refused (exit 75, nothing stored); the objects are byte-identical to a local run's files and carry
# Content-Type, Cache-Control, the content hash and the cache tags; an unchanged rerun from an empty disk
# uploads nothing; with the journal gone, a HEAD of the hash metadata still saves every upload; PUTs that
# keep failing make the run exit 75 with those renditions not journaled, and the retry renders only them;
# two shards on empty disks merge through the store.
# moto 5.2.1 canonicalises a percent-encoded '@' in a path, or '%2F' in a query, unlike AWS (boto3 itself is
# refused the same way by it), so the sites here use a path template without '@' and `merge --shards`.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/servers.sh"
start_s3 renders
RULES=$S3_FAIL_RULES
PUTS=$S3_PUT_LOG

# make_s3_site DIR ROOT: make_site with a path template without '@', writing to ROOT.
make_s3_site() {
  make_site "$1"
  sed -i "s|^output: { root: public/|output: { root: \"$2\", path: \"{asset}/{preset}-{width}.{ext}\"|" "$1/site.yaml"
}
make_s3_site "$WORK/local" public/
run_prerender run "$WORK/local/site.yaml" --jobs 2
expect_status 0
make_s3_site "$WORK/site" s3://renders/site
json() { "$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
state_file() { rm -rf "$WORK/state"; s3 download "$MOTO" renders "$1/.prerender/" "$WORK/state"; }

# A wrong secret: the store says so, nothing is stored, the run stops admitting and exits 75.
AWS_SECRET_ACCESS_KEY=wrong run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 75
expect_err "SignatureDoesNotMatch"
expect_err "s3://renders/site/"
s3 keys "$MOTO" renders site/ >"$WORK/keys"
[[ ! -s "$WORK/keys" ]] || fail "objects stored with a wrong secret"

# First run: every rendition uploaded, byte-identical to the local run's file, with its headers.
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
state_file site
[[ $(json "$WORK/state/run.json" 'd["store"]["puts"]') == 48 ]] || fail "first run: not 48 PUTs"
s3 download "$MOTO" renders site/ "$WORK/objects"
(cd "$WORK/local/public" && find . -type f \( -name '*.jpg' -o -name '*.webp' -o -name '*.png' -o -name '*.avif' \) | sort) >"$WORK/files-local"
(cd "$WORK/objects" && find . -path ./.prerender -prune -o -type f -print | sort) >"$WORK/files-store"
cmp -s "$WORK/files-local" "$WORK/files-store" || fail "the store holds other objects than the local run's files"
while IFS= read -r f; do cmp -s "$WORK/local/public/$f" "$WORK/objects/$f" || fail "bytes differ: $f"; done <"$WORK/files-local"
path=$(head -n1 "$WORK/files-local"); path=${path#./}
s3 head "$MOTO" renders "site/$path" >"$WORK/head.json"
"$PYTHON" - "$WORK/head.json" "$WORK/state/renditions.jsonl" "$path" <<'PY'
import json, sys
head = json.load(open(sys.argv[1]))
record = next(r for r in map(json.loads, open(sys.argv[2])) if r["path"] == sys.argv[3])
assert head["ContentType"] == record["content_type"], head
assert head["CacheControl"] == "public, max-age=31536000, immutable", head
assert head["Metadata"]["content-hash"] == record["etag"], (head, record["etag"])
tags = head["Metadata"]["cache-tags"].split()
assert tags == record["tags"] and any(t.startswith("asset-") for t in tags), (tags, record["tags"])
PY
cmp -s <(sort "$WORK/local/public/urls.txt") <(sort "$WORK/state/urls.txt") || fail "urls.txt differs from the local run's"

# An unchanged rerun on an empty disk: the journal comes back from the store, nothing is rendered or sent.
: >"$PUTS"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
state_file site
[[ $(json "$WORK/state/run.json" 'd["renditions"]["up_to_date"]') == 48 ]] || fail "rerun: not all up to date"
[[ $(json "$WORK/state/run.json" 'd["store"]["puts"]') == 0 && $(json "$WORK/state/run.json" 'd["store"]["put_bytes"]') == 0 ]] ||
  fail "rerun uploaded renditions"
[[ $(grep -vc '/.prerender/' "$PUTS" || true) == 0 ]] || fail "the server saw rendition PUTs on the rerun"

# The journal lost: everything is rendered again, but the hash metadata says the store has the bytes.
s3 delete "$MOTO" renders site/.prerender/renditions.jsonl
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
state_file site
[[ $(json "$WORK/state/run.json" '(d["store"]["puts"], d["store"]["heads"], d["store"]["unchanged"])') == "(0, 48, 48)" ]] ||
  fail "journal lost: $(json "$WORK/state/run.json" 'd["store"]')"

# PUTs of one preset keep failing (503): retried, then not journaled, exit 75; the retry renders only them.
sed -i 's|^presets:|presets:\n  extra: { resize: { width: 64 }, format: [webp] }|; s|presets: \[small, square\]|presets: [small, square, extra]|' "$WORK/site/site.yaml"
echo "/extra" >"$RULES"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 75
expect_err "HTTP 503 SlowDown: Injected by the test proxy"
expect_err "s3://renders/site/"
expect_err "/extra-64.webp"
expect_err "8 renditions could not be stored and are not journaled"
state_file site
! grep -q '"preset":"extra"' "$WORK/state/renditions.jsonl" || fail "an unstored rendition was journaled"
(( $(json "$WORK/state/run.json" 'd["store"]["retries"]') >= 8 )) || fail "failed PUTs were not retried"
rm -f "$RULES"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
state_file site
[[ $(json "$WORK/state/run.json" '(d["renditions"]["rendered"], d["renditions"]["up_to_date"], d["store"]["puts"])') == "(8, 48, 8)" ]] ||
  fail "retry: $(json "$WORK/state/run.json" '(d["renditions"], d["store"])')"

# Two shards, each on its own empty disk, merged from the store alone.
make_s3_site "$WORK/sharded" s3://renders/sharded
for k in 0 1; do
  run_prerender run "$WORK/sharded/site.yaml" --shard "$k/2" --jobs 1
  expect_status 0
done
run_prerender merge "$WORK/sharded/site.yaml" --shards 2
expect_status 0
expect_out "merged 2 shard journals: 48 renditions"
state_file sharded
cmp -s <(sort "$WORK/local/public/urls.txt") <(sort "$WORK/state/urls.txt") || fail "merged urls.txt differs from a single run's"
[[ $(wc -l <"$WORK/state/renditions.jsonl") == 48 ]] || fail "the merged journal is not in the store"
echo "ok"
