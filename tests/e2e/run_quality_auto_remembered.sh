#!/usr/bin/env bash
# quality: auto searches once and is remembered: a first run scores encodes with butteraugli and picks a
# quality per rendition; a forced rerun of the same sources, recipe and renderer encodes each rendition
# once at the remembered quality, computes no metric and writes the same bytes (max_bytes likewise);
# `plan` says which renditions will search, `preview` and the check report show the scores; a new target
# searches again.
source "$(dirname "$0")/lib.sh"

site="$WORK/site"
mkdir -p "$site/images"
cp "$FIXTURES/images/landscape-1.jpg" "$FIXTURES/images/icc-adobergb.jpg" "$site/images/"
write_manifest() {
  cat >"$site/site.yaml" <<YAML
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  auto: { resize: { width: 320 }, format: [jpeg, webp], quality: $1 }
  budget: { resize: { width: 240 }, format: jpeg, max_bytes: 6KiB }
assets:
  - { source: "*.jpg", presets: [auto, budget] }
YAML
}
write_manifest auto

# field FILE PATH: one value of a JSON document, by a Python expression on `d`.
field() { "$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

run_prerender plan "$site/site.yaml"
expect_status 0
[[ $(grep -c "quality: search" "$WORK/out") == 6 ]] || fail "plan should say all 6 renditions search"

run_prerender run "$site/site.yaml"
expect_status 0
run_json="$site/public/run.json"
[[ $(field "$run_json" 'd["quality"]["searched"]') == 4 ]] || fail "first run: 4 auto renditions should search"
scores=$(field "$run_json" 'd["quality"]["scores"]')
[[ $scores -ge 4 ]] || fail "first run computed $scores butteraugli scores"
[[ $(field "$run_json" 'd["quality"]["remembered"]') == 0 ]] || fail "first run remembered a quality"
expect_err "quality:"
# Every auto rendition records its quality and a score within the default target (or says it missed).
"$PYTHON" - "$site/public/renditions.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
auto = [l for l in lines if l["preset"] == "auto"]
assert len(auto) == 4, len(auto)
for l in auto:
    assert 1 <= l["quality"] <= 100 and "score" in l, l
    assert l["score"] <= 1.5 or l.get("target_missed"), l
budget = [l for l in lines if l["preset"] == "budget"]
assert all(l["bytes"] <= 6144 and l["quality"] < 80 and l["encodes"] > 1 for l in budget), budget
PY
cp -a "$site/public" "$WORK/first"
# The preview page shows each auto rendition's quality with its score.
run_prerender preview "$site/site.yaml" -o "$WORK/preview"
expect_status 0
[[ $(grep -oE "quality [0-9]+ \(butteraugli [0-9.]+\)" "$WORK/preview/index.html" | wc -l) == 4 ]] || fail "preview should show 4 scores"

# Nothing to do, so nothing searches; one file gone: that rendition is re-encoded at its remembered quality.
rm "$site/public/landscape-1/auto.webp"
run_prerender plan "$site/site.yaml"
expect_status 0
grep -q "^render .*auto  webp.*quality: remembered" "$WORK/out" || fail "plan should remember the deleted rendition's quality"
[[ $(grep -c "quality:" "$WORK/out") == 1 ]] || fail "plan lists quality for renditions it skips"

run_prerender run "$site/site.yaml" --force
expect_status 0
[[ $(field "$run_json" 'd["renditions"]["rendered"]') == 6 ]] || fail "--force should render all 6"
[[ $(field "$run_json" 'd["quality"]["encodes"]') == 6 ]] || fail "a forced rerun should encode once per rendition"
[[ $(field "$run_json" 'd["quality"]["scores"]') == 0 ]] || fail "a forced rerun computed butteraugli"
[[ $(field "$run_json" 'd["quality"]["remembered"]') == 6 ]] || fail "a forced rerun should remember all 6 qualities"
for f in landscape-1/auto.jpg landscape-1/auto.webp icc-adobergb/auto.jpg icc-adobergb/auto.webp landscape-1/budget.jpg icc-adobergb/budget.jpg; do
  cmp -s "$WORK/first/$f" "$site/public/$f" || fail "bytes differ after the forced rerun: $f"
done
# The remembered lines keep the first run's quality and score.
"$PYTHON" - "$WORK/first/renditions.jsonl" "$site/public/renditions.jsonl" <<'PY'
import json, sys
def load(p): return {(l["asset"], l["preset"], l["format"]): l for l in map(json.loads, open(p))}
a, b = load(sys.argv[1]), load(sys.argv[2])
for k, l in a.items():
    assert b[k]["quality"] == l["quality"] and b[k].get("score") == l.get("score"), (k, l, b[k])
    assert b[k]["quality_remembered"] is True and b[k]["encodes"] == 1 and "scores" not in b[k], b[k]
PY

# The check report shows each auto rendition's chosen quality with its score.
run_prerender check "$site/site.yaml" --golden "$WORK/golden" --update
expect_status 0
run_prerender check "$site/site.yaml" --golden "$WORK/golden" --html "$WORK/report"
expect_status 0
[[ $(grep -oE "<td>[0-9]+ \(butteraugli [0-9.]+\)</td>" "$WORK/report/index.html" | wc -l) == 4 ]] ||
  fail "the check report should show 4 chosen qualities with their scores"

# A new target is a new recipe: the auto renditions search again, the budget ones stay up to date.
write_manifest "{ target: { butteraugli: 3.0 }, min: 30 }"
run_prerender run "$site/site.yaml"
expect_status 0
[[ $(field "$run_json" 'd["quality"]["searched"]') == 4 ]] || fail "a new target should search again"
[[ $(field "$run_json" 'd["renditions"]["up_to_date"]') == 2 ]] || fail "the budget renditions should be up to date"
"$PYTHON" - "$WORK/first/renditions.jsonl" "$site/public/renditions.jsonl" <<'PY'
import json, sys
def load(p): return {(l["asset"], l["preset"], l["format"]): l for l in map(json.loads, open(p))}
a, b = load(sys.argv[1]), load(sys.argv[2])
for k, l in a.items():
    if k[1] == "auto":
        assert b[k]["quality"] < l["quality"] and b[k]["bytes"] < l["bytes"], (k, l["quality"], b[k]["quality"])
PY
check_outputs "$site/public"
echo "ok"
