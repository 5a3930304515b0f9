#!/usr/bin/env bash
# Every multi-frame fixture (animated GIF and WebP, a 3-page TIFF, a 3-image AVIF sequence, with and
# without alpha) rendered with the animation kept and downscaled, to half size and below (each frame
# halved on its own, then resized) and above it, as WebP and GIF, with one worker and two: the run
# ends normally, every rendition renders, and each output keeps every frame at the frame size asked.
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/site/images"
cp "$FIXTURES"/images/frames/* "$FIXTURES/images/anim-loop3.gif" "$WORK/site/images/"
mv "$WORK/site/images/anim-loop3.gif" "$WORK/site/images/loop-gif.gif"
cat >"$WORK/site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
limits: { formats: [jpeg, png, webp, gif, heif, tiff] }
presets:
  quarter: { resize: { width: 16 }, format: [webp, gif], animation: keep }
  most: { resize: { width: 40 }, format: [webp, gif], animation: keep }
assets:
  - { source: "*", presets: [quarter, most] }
YAML
count=$(ls "$WORK/site/images" | wc -l)
for jobs in 1 2; do
  run_prerender run "$WORK/site/site.yaml" --jobs "$jobs" --force
  expect_status 0
  expect_err "$((count * 4)) rendered, 0 up to date, 0 failed"
  for f in "$WORK"/site/images/*; do
    id=$(basename "${f%.*}")
    frames=$(vipsheader -f n-pages "$f")
    for preset in quarter most; do
      width=16; [[ $preset == most ]] && width=40
      for ext in webp gif; do
        out="$WORK/site/public/$id/$preset.$ext"
        [[ $(vipsheader -f n-pages "$out") == "$frames" ]] || fail "$out lost frames (source has $frames)"
        [[ $(vipsheader -f width "$out") == "$width" ]] || fail "$out is not $width wide"
      done
    done
  done
  check_outputs "$WORK/site/public"
done
