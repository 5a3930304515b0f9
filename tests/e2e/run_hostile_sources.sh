#!/usr/bin/env bash
# Every broken or hostile fixture, rendered through run in one manifest beside good assets: each bad one
# fails with a one-line reason, every good one renders, nothing crashes or hangs. Then again with the risky
# formats opted in: the aborting JPEG 2000 and the spinning .svgz fail alone, in their child process.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
mkdir -p "$WORK/site/images/bad"
# Named without extensions (ids come from names; two fixtures differ only by extension), so nothing
# but the bytes says what each file is.
for f in "$FIXTURES"/images/bad/*; do name=$(basename "$f"); cp "$f" "$WORK/site/images/bad/${name//./_}"; done
cp "$FIXTURES/images/svgz-logo.svgz" "$WORK/site/images/"
cat >>"$WORK/site/site.yaml" <<'YAML'
  - { source: "bad/*", presets: [small] }
  - { source: "*.svgz", presets: [small] }
YAML
bad_count=$(ls "$WORK/site/images/bad" | wc -l)

run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 1
expect_err "48 rendered"
"$PYTHON" - "$WORK/site/public/renditions.jsonl" "$bad_count" <<'PY'
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
bad = [r for r in records if r["asset"].startswith("bad/")]
assert len(bad) == 2 * int(sys.argv[2]), len(bad)          # webp + jpeg each
for r in bad:
    assert r["status"] == "failed" and r["error"] and "\n" not in r["error"], r
good = [r for r in records if not r["asset"].startswith("bad/") and r["asset"] != "svgz-logo"]
assert all(r["status"] == "rendered" for r in good) and len(good) == 48
svg = [r for r in records if r["asset"] == "svgz-logo"]
assert all(r["error"] == "format 'svg' is not allowed; list it in limits.formats to opt in" for r in svg), svg
jp2 = [r for r in records if r["asset"] == "bad/crash-openjpeg_jp2"]
assert all("format 'jp2k' is not allowed" in r["error"] for r in jp2), jp2
PY
check_outputs "$WORK/site/public"

# Opted in, with a short time limit.
sed -i 's|^sources: { root: images/ }|sources: { root: images/ }\nlimits: { formats: [jpeg, png, webp, gif, heif, tiff, svg, jp2k], max_seconds: 4 }|' "$WORK/site/site.yaml"
start=$(date +%s)
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 1
(( $(date +%s) - start < 60 )) || fail "a hostile source held the run"
if [[ $SANITIZED == 0 ]]; then
  expect_err "failed: bad/crash-openjpeg_jp2 small webp 1x: the decoder crashed on this file (signal 6: Aborted)"
fi
expect_err "failed: bad/hang-truncated_svgz small webp 1x: decoding took longer than limits.max_seconds (4 s) and was stopped"
vipsheader "$WORK/site/public/svgz-logo/small.webp" | grep -q "160x120" || fail "the opted-in SVG did not render"
check_outputs "$WORK/site/public"

# One worker, and every failure names its own reason: the libvips error buffer is shared and only emptied
# by hand, so a reason left from an earlier failure must not stand in for the next one's (before the fix,
# 12 of 16 broken files reported the first one's reason). The admitting thread still probes the next
# asset while the worker decodes; each call reads only its own lines (render/vips_util.cpp), so no miss
# is tolerated (run_failures_name_their_own_reason compares every reason with the file's alone).
run_prerender run "$WORK/site/site.yaml" --jobs 1 --force
"$PYTHON" - "$WORK/site/public/renditions.jsonl" <<'PY'
import json, sys
latest = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    latest[(r["asset"], r["format"])] = r
def error(asset):
    return latest[(asset, "jpeg")]["error"]
cases = [("bad/corrupt-header_jpg", "jpeg"), ("bad/truncated_gif", "gif"), ("bad/broken-data-stream_png", "png"),
         ("bad/unsupported-ycbcr-subsampled_tif", "tiff"), ("bad/wide-16x17000_avif", "16x17000")]
misses = [(asset, error(asset)) for asset, word in cases if word not in error(asset).lower()]
assert not misses, misses
assert len({error(a) for a in ["bad/corrupt-header_jpg", "bad/truncated_gif", "bad/crc-mismatch_png"]}) >= 2
PY
