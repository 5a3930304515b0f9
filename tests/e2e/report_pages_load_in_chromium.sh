#!/usr/bin/env bash
# The HTML check report and the preview page open in a real browser (headless Chromium) with every image
# decoded: each <img> has a natural width. Formats browsers cannot show (HEIC, JPEG XL) must have been
# converted; data URIs must be whole.
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
assets:
  - { source: "*.*", presets: [card, icon] }
YAML

# images_in PAGE: "<images> <broken>" as Chromium sees the page once loaded. The page is copied with a
# probe script appended (the report itself has no script).
images_in() {
  local page=$1 probe="$WORK/probe.html"
  cp "$page" "$probe"
  cat >>"$probe" <<'HTML'
<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images);
  const broken = images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt);
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = "PROBE " + images.length + " " + broken.length + " " + broken.join(",");
  document.body.appendChild(out);
});
</script>
HTML
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking \
    --disable-extensions --no-first-run --user-data-dir="$WORK/chromium-profile" --virtual-time-budget=10000 \
    --dump-dom "file://$probe" 2>"$WORK/chromium.log" | grep -o 'PROBE [0-9]* [0-9]*.*' || {
    cat "$WORK/chromium.log" >&2
    fail "chromium did not load $page"
  }
}

# A failing check report: a quality change (reference, new and heat map for each lossy rendition), a
# missing reference (new only) and an extra one (reference only).
run_prerender check "$site/site.yaml" --golden "$WORK/golden" --update
expect_status 0
sed -i 's/quality: 70/quality: 30/' "$site/site.yaml"
rm "$WORK/golden/landscape-1/icon.png"
cp "$WORK/golden/landscape-1/card.jxl" "$WORK/golden/landscape-1/retired.jxl"
run_prerender check "$site/site.yaml" --golden "$WORK/golden" --html "$WORK/report"
expect_status 3
result=$(images_in "$WORK/report/index.html")
read -r _ images broken names <<<"$result"
[[ "$broken" == 0 ]] || fail "broken images in the check report: $names"
failing=$(grep -cE '^[A-Z]+ ' "$WORK/out")
# Each failing rendition shows at least two images (reference and new, or one of them and a heat map),
# except the missing and the extra reference, which show one.
(( images >= 2 * (failing - 2) + 2 )) || fail "only $images images for $failing failing renditions"
grep -q 'heic.*shown as PNG\|shown as PNG' "$WORK/report/index.html" || fail "the HEIC/JPEG XL images are not marked as converted"

# The preview, from the output root after a run, and rendered afresh.
run_prerender run "$site/site.yaml"
expect_status 0
run_prerender preview "$site/site.yaml" -o "$WORK/preview"
expect_status 0
read -r _ images broken names <<<"$(images_in "$WORK/preview/index.html")"
[[ "$broken" == 0 ]] || fail "broken images in the preview: $names"
[[ "$images" == 21 ]] || fail "the preview shows $images images, expected 21 (3 assets x 7 renditions)"
grep -q 'quality 30' "$WORK/preview/index.html" || fail "the preview does not show the chosen quality"

run_prerender preview "$site/site.yaml" -o "$WORK/fresh" --asset 'anim-*' --render
expect_status 0
read -r _ images broken names <<<"$(images_in "$WORK/fresh/index.html")"
[[ "$broken" == 0 && "$images" == 7 ]] || fail "fresh preview: $images images, $broken broken: $names"
