#!/usr/bin/env bash
# quality: auto takes 4:4:4 chroma where 4:2:0 cannot reach the target even at `max`, and only where the
# preset leaves chroma_subsampling unset: a chart of one-pixel coloured lines comes out 4:4:4 within the
# target, journaled `full_chroma`, and a forced rerun encodes it once, as decided, to the same bytes; the
# same chart with 4:2:0 asked for stays 4:2:0 and says it missed the target.
source "$(dirname "$0")/lib.sh"

site="$WORK/site"
mkdir -p "$site/images"
cp "$FIXTURES/images/chart-lines.png" "$site/images/"
cat >"$site/site.yaml" <<YAML
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  chart: { resize: { width: 320 }, format: jpeg, quality: auto }
  pinned: { resize: { width: 320 }, format: jpeg, quality: auto, chroma_subsampling: "4:2:0" }
assets:
  - { source: "*.png", presets: [chart, pinned] }
YAML

# sampling FILE: the JPEG's luma sampling factors, "22" for 4:2:0 and "11" for 4:4:4 (from its frame header).
sampling() {
  "$PYTHON" - "$1" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
i = 2
while i < len(b):
    marker, length = b[i + 1], int.from_bytes(b[i + 2:i + 4], "big")
    if marker in (0xC0, 0xC1, 0xC2):
        factors = b[i + 11]  # the first component's: high nibble horizontal, low vertical
        print(f"{factors >> 4}{factors & 15}")
        break
    i += 2 + length
PY
}

run_prerender run "$site/site.yaml"
expect_status 0
chart="$site/public/chart-lines/chart.jpg" pinned="$site/public/chart-lines/pinned.jpg"
[[ $(sampling "$chart") == 11 ]] || fail "the chart should be 4:4:4, is $(sampling "$chart")"
[[ $(sampling "$pinned") == 22 ]] || fail "the pinned chart should stay 4:2:0, is $(sampling "$pinned")"
"$PYTHON" - "$site/public/renditions.jsonl" <<'PY'
import json, sys
lines = {l["preset"]: l for l in map(json.loads, open(sys.argv[1]))}
chart, pinned = lines["chart"], lines["pinned"]
assert chart.get("full_chroma") is True and chart["score"] <= 1.5 and not chart.get("target_missed"), chart
assert "full_chroma" not in pinned and pinned.get("target_missed") is True and pinned["score"] > 1.5, pinned
PY
cp -a "$site/public" "$WORK/first"

run_prerender run "$site/site.yaml" --force
expect_status 0
run_json="$site/public/run.json"
field() { "$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
[[ $(field "$run_json" 'd["quality"]["encodes"]') == 2 ]] || fail "a forced rerun should encode once per rendition"
[[ $(field "$run_json" 'd["quality"]["scores"]') == 0 ]] || fail "a forced rerun computed butteraugli"
[[ $(field "$run_json" 'd["quality"]["remembered"]') == 2 ]] || fail "a forced rerun should remember both"
cmp -s "$WORK/first/chart-lines/chart.jpg" "$chart" || fail "the remembered 4:4:4 chart has other bytes"
"$PYTHON" - "$site/public/renditions.jsonl" <<'PY'
import json, sys
chart = [l for l in map(json.loads, open(sys.argv[1])) if l["preset"] == "chart"][0]
assert chart.get("full_chroma") is True and chart.get("quality_remembered") is True, chart
PY

# The one-off render says so.
run_prerender render "$site/images/chart-lines.png" --width 320 --format jpeg --quality auto -o "$WORK/one.jpg"
expect_status 0
grep -q "at 4:4:4 (butteraugli" "$WORK/out" || fail "render should say it took 4:4:4: $(cat "$WORK/out")"
cmp -s "$WORK/one.jpg" "$chart" || fail "render and run gave the chart other bytes"
check_outputs "$site/public"
echo "ok"
