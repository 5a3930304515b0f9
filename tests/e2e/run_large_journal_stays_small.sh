#!/usr/bin/env bash
# A journal of 200,000 renditions (real lines of a run, renamed by scripts/make-journal) costs a
# one-asset run little memory: the run keeps a compact entry per rendition, not the records (it peaked
# at 969 MiB before). The lines of the other renditions are kept byte for byte, the run's own are
# added, urls.txt lists the manifest's renditions only, and the next run finds them up to date.
source "$(dirname "$0")/lib.sh"
[[ $SANITIZED == 0 ]] || skip "peak memory of an AddressSanitizer build is not the product's"
make_site "$WORK/site"
public="$WORK/site/public"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
cp "$public/urls.txt" "$WORK/urls-expected"
"$PYTHON" "$PRERENDER_SOURCE_DIR/scripts/make-journal" "$public/renditions.jsonl" 200000 "$WORK/bulk.jsonl"
cat "$public/renditions.jsonl" >>"$WORK/bulk.jsonl"
cp "$WORK/bulk.jsonl" "$public/renditions.jsonl"
rm "$public/landscape-1/small.webp"  # one rendition to do

run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err "1 rendered, 47 up to date, 0 failed"
peak=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["peak_rss_bytes"])' "$public/run.json")
(( peak <= 256 * 1024 * 1024 )) || fail "peak RSS $((peak / 1048576)) MiB over 256 MiB with a 200,000-line journal"
cmp -s "$public/urls.txt" "$WORK/urls-expected" || fail "urls.txt differs from the small journal's"
# Compacted: the bulk lines as they were (in their order), then each of the site's renditions once.
head -n 200000 "$public/renditions.jsonl" | cmp -s - <(head -n 200000 "$WORK/bulk.jsonl") || fail "the other renditions' lines changed"
[[ $(wc -l <"$public/renditions.jsonl") == 200048 ]] || fail "the journal has $(wc -l <"$public/renditions.jsonl") lines, not 200048"
check_outputs "$public"

run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err "0 rendered, 48 up to date, 0 failed"
