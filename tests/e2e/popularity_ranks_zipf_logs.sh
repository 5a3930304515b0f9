#!/usr/bin/env bash
# popularity reads generated logs of a Zipf-distributed request stream over the site's URLs, in each format
# (combined, CloudFront with its header lines and gzip, JSON lines), with noise (404s, other paths, query
# strings, malformed lines): the counts per asset are exactly the generator's, malformed lines are reported
# with their line numbers and never fatal, identical logs give an identical file, and the manifest's
# priority (plan order, --top) follows the file while a hand-written requests: still wins.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
site="$WORK/site/site.yaml"
run_prerender plan "$site" --json
expect_status 0
cp "$WORK/out" "$WORK/plan.jsonl"
GEN="$PRERENDER_SOURCE_DIR/tests/e2e/access_log.py"

# Every asset's count in popularity.yaml equals the truth, in the truth's order.
expect_truth() {
  "$PYTHON" - "$1" "$2" <<'PY' || fail "the counts of $1 are not the generator's"
import sys, yaml
got = yaml.safe_load(open(sys.argv[1]))["requests"]
truth = [line.rstrip("\n").split("\t") for line in open(sys.argv[2])]
want = {asset: int(count) for count, asset in truth}
if got != want:
    sys.exit(f"got {got}\nwant {want}")
if list(got) != [asset for _, asset in truth]:
    sys.exit(f"order {list(got)} != {[a for _, a in truth]}")
PY
}

for format in combined cloudfront json; do
  log="$WORK/access-$format.log"
  [[ $format == cloudfront ]] && log="$log.gz"
  "$PYTHON" "$GEN" --urls "$WORK/plan.jsonl" --format "$format" --lines 30000 --seed 7 --noise --out "$log" \
    --truth "$WORK/truth-$format.tsv" --malformed-lines "$WORK/bad-$format.txt" --misses-truth "$WORK/misses-$format.tsv"
  run_prerender popularity "$site" "$log" -o "$WORK/pop-$format.yaml"
  expect_status 0
  expect_truth "$WORK/pop-$format.yaml" "$WORK/truth-$format.tsv"
  # The first malformed lines, by number, and the rest counted.
  bad=$(wc -l <"$WORK/bad-$format.txt")
  expect_out "popularity: $bad malformed lines (skipped):"
  first=$(head -1 "$WORK/bad-$format.txt")
  expect_out "$log:$first: "
  twentieth=$(sed -n 20p "$WORK/bad-$format.txt")
  expect_out "$log:$twentieth: "
  expect_out "... and $((bad - 20)) more"
  expect_out "/unlisted/poster-"
  # Only what the CDN passed to the origin, from each format's own cache-state field.
  run_prerender popularity "$site" "$log" -o "$WORK/misses-$format.yaml" --misses
  expect_status 0
  expect_truth "$WORK/misses-$format.yaml" "$WORK/misses-$format.tsv"
done
[[ $format == json ]]
# A window: 06:00 to 12:00 of the log's day, in ISO 8601 with an offset.
"$PYTHON" "$GEN" --urls "$WORK/plan.jsonl" --lines 30000 --seed 8 --noise --out "$WORK/day.log" \
  --window 1796104800 1796126400 --window-truth "$WORK/window.tsv"
run_prerender popularity "$site" "$WORK/day.log" -o "$WORK/window.yaml" --since 2026-12-01T07:00:00+01:00 --until 2026-12-01T12:00:00Z
expect_status 0
expect_truth "$WORK/window.yaml" "$WORK/window.tsv"
expect_out "outside the window"
# A gzip file with a plain name and a plain file read from standard input are told from their bytes.
cp "$WORK/access-cloudfront.log.gz" "$WORK/cloudfront-log"
run_prerender popularity "$site" "$WORK/cloudfront-log" -o "$WORK/pop-renamed.yaml"
expect_status 0
cmp -s "$WORK/pop-renamed.yaml" "$WORK/pop-cloudfront.yaml" || fail "a gzip log without .gz is not read the same"
set +e
"$PRERENDER" popularity "$site" - -o "$WORK/pop-stdin.yaml" <"$WORK/access-combined.log" >"$WORK/out" 2>"$WORK/err"
STATUS=$?
set -e
expect_status 0
cmp -s "$WORK/pop-stdin.yaml" "$WORK/pop-combined.yaml" || fail "standard input is not read like the file"
expect_out "standard input:"

# The manifest reads the file: plan orders assets by it, --top tells the share it covers.
cp "$WORK/pop-combined.yaml" "$WORK/site/popularity.yaml"
sed -i '1a popularity: popularity.yaml' "$site"
run_prerender plan "$site" --top 2
expect_status 0
top=$(head -1 "$WORK/truth-combined.tsv" | cut -f2)
second=$(sed -n 2p "$WORK/truth-combined.tsv" | cut -f2)
[[ $(awk '{print $2}' "$WORK/out" | uniq | tr '\n' ' ') == "$top $second " ]] || fail "plan --top 2 is not the two most requested assets"
share=$("$PYTHON" -c "
import sys
rows = [int(l.split('\t')[0]) for l in open('$WORK/truth-combined.tsv')]
print(f'{100 * sum(rows[:2]) / sum(rows):.1f}%')")
expect_err "--top 2: 2 selected assets have $share of the manifest's requests"
# The same through include:, and popularity then rewrites the included file.
sed -i 's|^popularity: popularity.yaml$|include: [popularity.yaml]|' "$site"
run_prerender plan "$site" --top 2
expect_status 0
[[ $(awk '{print $2}' "$WORK/out" | uniq | tr '\n' ' ') == "$top $second " ]] || fail "an included popularity file is not read"
rm "$WORK/site/popularity.yaml"
printf 'version: 1\nrequests: {}\n' >"$WORK/site/popularity.yaml"
run_prerender popularity "$site" "$WORK/access-combined.log"
expect_status 0
cmp -s "$WORK/site/popularity.yaml" "$WORK/pop-combined.yaml" || fail "popularity did not rewrite the included file"
sed -i 's|^include: \[popularity.yaml\]$|popularity: popularity.yaml|' "$site"
# A hand-written requests: wins over the file.
last=$(tail -1 "$WORK/truth-combined.tsv" | cut -f2)
sed -i '/^  - { source: "\*.jpg"/d' "$site"
for image in "$WORK"/site/images/*.jpg; do
  id=$(basename "$image" .jpg)
  extra=""
  [[ $id == "$last" ]] && extra=", requests: 99999999"
  printf '  - { source: %s.jpg, presets: [small, square]%s }\n' "$id" "$extra" >>"$site"
done
grep -q "requests: 99999999" "$site" || fail "the test could not edit the manifest"
run_prerender plan "$site" --top 1
expect_status 0
[[ $(awk '{print $2}' "$WORK/out" | uniq) == "$last" ]] || fail "a hand-written requests: does not win over the popularity file"

# Identical logs, identical file; the file names no log and no time of writing.
run_prerender popularity "$site" "$WORK/access-combined.log" -o "$WORK/again.yaml"
expect_status 0
cmp -s "$WORK/again.yaml" "$WORK/pop-combined.yaml" || fail "identical logs gave a different file"
