#!/usr/bin/env bash
# The HTML check report and the preview page open in a real browser (headless Chromium) with every image
# decoded (formats browsers cannot show, HEIC and JPEG XL, converted; data URIs whole) and shown at its
# own size: its rendered width is its natural width, or that times the whole zoom of a small image; a
# 1200x630 image is not shrunk. The panes of a comparison row scroll together, and the check report
# leads with a line per preset.
source "$(dirname "$0")/lib.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$CHROMIUM" ]] || fail "chromium is missing (scripts/setup --test installs Debian's chromium package)"

site="$WORK/site"
mkdir -p "$site/images"
cp "$FIXTURES/images/landscape-1.jpg" "$FIXTURES/images/webp-alpha.webp" "$FIXTURES/images/anim-loop3.gif" "$site/images/"
cat >"$site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  card: { resize: { width: 160 }, format: [webp, jpeg, avif, heic, jxl], quality: 70 }
  icon: { resize: { width: 48, height: 48, fit: cover }, format: [png, gif] }
  og: { resize: { width: 1200, height: 630, fit: cover, enlarge: true }, format: [jpeg], quality: 70 }
assets:
  - { source: "*.*", presets: [card, icon, og] }
YAML

# probe PAGE: what Chromium sees once PAGE has loaded, as JSON in $WORK/probe.json: every image (alt,
# natural width, zoom, rendered content width, loaded), the per-preset summary lines, and whether the
# other panes of the first comparison row that can scroll followed when its first pane was scrolled.
# The page is copied with the probe script appended.
probe() {
  local page=$1 copy="$WORK/probe.html"
  cp "$page" "$copy"
  cat >>"$copy" <<'HTML'
<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images).map(i => {
    const style = getComputedStyle(i);
    const edges = ["borderLeftWidth", "borderRightWidth", "paddingLeft", "paddingRight"].reduce((s, k) => s + parseFloat(style[k]), 0);
    return { alt: i.alt, loaded: i.complete && i.naturalWidth > 0, natural: i.naturalWidth, zoom: Number(i.dataset.zoom || 1),
             shown: i.getBoundingClientRect().width - edges, pixelated: style.imageRendering === "pixelated" };
  });
  const summary = Array.from(document.querySelectorAll("li.preset-summary")).map(li => li.textContent);
  const links = Array.from(document.querySelectorAll("li.preset-summary a")).map(a => document.querySelector(a.getAttribute("href")) !== null);
  const row = Array.from(document.querySelectorAll(".compare")).find(r => {
    const p = r.querySelector(".pane");
    return p && p.scrollWidth > p.clientWidth && r.querySelectorAll(".pane").length > 1;
  });
  const finish = sync => {
    const out = document.createElement("pre");
    out.id = "probe";
    out.textContent = "PROBE" + JSON.stringify({ images, summary, links, sync, viewport: innerWidth });
    document.body.appendChild(out);
  };
  if (!row) return finish(null);
  const panes = Array.from(row.querySelectorAll(".pane"));
  panes[0].scrollLeft = 300;
  panes[0].scrollTop = 40;
  // The browser dispatches the scroll event with a later frame, and headless frames come late under
  // virtual time: dispatch it now, so the answer does not depend on timing.
  panes[0].dispatchEvent(new Event("scroll"));
  finish(panes.map(p => [p.scrollLeft, p.scrollTop]));
});
</script>
HTML
  rm -rf "$WORK/chromium-profile"
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --disable-extensions --disable-dev-shm-usage --user-data-dir="$WORK/chromium-profile" \
    --window-size=1400,1000 --virtual-time-budget=10000 --dump-dom "file://$copy" >"$WORK/dom.html" 2>"$WORK/chromium.log" || true
  "$PYTHON" - "$WORK/dom.html" "$WORK/probe.json" <<'PY' || { cat "$WORK/chromium.log" >&2; fail "chromium did not load $page"; }
import html, re, sys
found = re.search(r'<pre id="probe">PROBE(.*?)</pre>', open(sys.argv[1], encoding="utf-8").read(), re.S)
if not found:
    sys.exit(1)
open(sys.argv[2], "w").write(html.unescape(found.group(1)))
PY
}

# check_probe WHAT EXPECTED_IMAGES [SUMMARY_LINE...]: no image broken, every image shown at its natural
# width times its zoom (zoomed ones pixelated), the expected count, and exactly these summary lines.
check_probe() {
  local what=$1 expected=$2
  shift 2
  "$PYTHON" - "$WORK/probe.json" "$what" "$expected" "$@" <<'PY' || fail "$what: see above"
import json, sys
probe = json.load(open(sys.argv[1]))
what, expected, lines = sys.argv[2], sys.argv[3], sys.argv[4:]
images, bad = probe["images"], []
if str(len(images)) != expected and not (expected.startswith(">=") and len(images) >= int(expected[2:])):
    bad.append(f"{len(images)} images, expected {expected}")
for i in images:
    if not i["loaded"]:
        bad.append(f"broken image {i['alt']}")
    elif abs(i["shown"] - i["natural"] * i["zoom"]) > 0.01:
        bad.append(f"{i['alt']}: natural width {i['natural']} x{i['zoom']} shown {i['shown']:.2f} px wide")
    elif (i["zoom"] > 1) != i["pixelated"]:
        bad.append(f"{i['alt']}: zoom {i['zoom']}, pixelated {i['pixelated']}")
if lines and probe["summary"] != lines:
    bad.append(f"summary lines {probe['summary']}, expected {lines}")
if not all(probe["links"]):
    bad.append("a summary line links to nothing")
for b in bad:
    print(f"{what}: {b}", file=sys.stderr)
zooms = sorted({i["zoom"] for i in images})
print(f"{what}: {len(images)} images, widths {sorted({i['natural'] for i in images})}, zooms {zooms}, viewport {probe['viewport']}")
sys.exit(1 if bad else 0)
PY
}

# A failing check report: a quality change (reference, new and heat map for each lossy rendition, the
# 1200x630 og image among them), a missing reference (new only) and an extra one (reference only).
run_prerender check "$site/site.yaml" --golden "$WORK/golden" --update
expect_status 0
sed -i 's/quality: 70/quality: 30/' "$site/site.yaml"
rm "$WORK/golden/landscape-1/icon.png"
cp "$WORK/golden/landscape-1/card.jxl" "$WORK/golden/landscape-1/retired.jxl"
run_prerender check "$site/site.yaml" --golden "$WORK/golden" --html "$WORK/report"
expect_status 3
cp "$WORK/out" "$WORK/check.out"
probe "$WORK/report/index.html"
failing=$(grep -cE '^[A-Z]+ ' "$WORK/check.out")
# Each failing rendition shows at least two images (reference and new, or one of them and a heat map),
# except the missing and the extra reference, which show one.
# The per-preset lines agree with the text summary (which renditions land just over a tolerance depends
# on the codecs); the icons (PNG, GIF) do not change with quality, and most of the lossy ones do.
differing() { grep -cE "^(DIFF|SIZE|FORMAT|BYTES|UNREADABLE) +[^ ]*/$1\\." "$WORK/check.out" || true; }
(( $(differing card) >= 10 && $(differing og) >= 2 )) || fail "the quality change did not make most card and og renditions differ"
check_probe "check report" ">=$((2 * (failing - 2) + 2))" \
  "card: $(differing card) of 15 differ" "icon: 0 of 6 differ, 1 missing reference" "og: $(differing og) of 3 differ" \
  "extra references: 1 extra reference that no rendition writes"
"$PYTHON" - "$WORK/probe.json" <<'PY' || fail "check report: the large and the small images are not both there, or the panes do not scroll together"
import json, sys
probe = json.load(open(sys.argv[1]))
images = probe["images"]
large = [i for i in images if i["natural"] == 1200 and i["zoom"] == 1]
small = [i for i in images if i["natural"] == 48 and i["zoom"] == 4]
assert len(large) >= 2 * 3, f"{len(large)} images of 1200 pixels at 1:1"  # og: reference, new, heat map of 2 or 3 assets
assert small, "no 48-pixel icon at x4"
sync = probe["sync"]
assert sync is not None, "no comparison row is wider than its panes"
assert sync[0][0] > 0 and all(p == sync[0] for p in sync), f"pane scroll positions {sync}"
PY
grep -q 'shown as PNG' "$WORK/report/index.html" || fail "the HEIC/JPEG XL images are not marked as converted"
# The og JPEG reference's quality is read from its tables; a WebP reference's is not known.
grep -q 'Reference</b> 1200x630 · [0-9.]* KiB · jpeg · quality 70' "$WORK/report/index.html" || fail "the reference JPEG's quality is not shown"
grep -q 'New</b> 1200x630 · [0-9.]* KiB · jpeg · quality 30' "$WORK/report/index.html" || fail "the new JPEG's quality is not shown"
grep -q 'Reference</b> 160x[0-9]* · [0-9.]* [KiB]* · webp · <span[^>]*>quality unknown' "$WORK/report/index.html" ||
  fail "a WebP reference's quality is not said to be unknown"

# The preview, from the output root after a run, and rendered afresh.
run_prerender run "$site/site.yaml"
expect_status 0
run_prerender preview "$site/site.yaml" -o "$WORK/preview"
expect_status 0
probe "$WORK/preview/index.html"
check_probe "preview" 24  # 3 assets x 8 renditions
"$PYTHON" - "$WORK/probe.json" <<'PY' || fail "preview: the large and the small images are not both there"
import json, sys
images = json.load(open(sys.argv[1]))["images"]
assert sum(i["natural"] == 1200 and i["zoom"] == 1 for i in images) == 3, "og images at 1:1"
assert sum(i["natural"] == 48 and i["zoom"] == 4 for i in images) == 6, "icons at x4"
PY
grep -q 'quality 30' "$WORK/preview/index.html" || fail "the preview does not show the chosen quality"

run_prerender preview "$site/site.yaml" -o "$WORK/fresh" --asset 'anim-*' --render
expect_status 0
probe "$WORK/fresh/index.html"
check_probe "fresh preview" 8
