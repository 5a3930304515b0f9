#!/usr/bin/env bash
# Decoder processes started side by side keep their own pipes: a JPEG 2000 file that aborts its decoder is
# reported as a crash even while a spinning .svgz decodes on the other worker. (Pipes inherited by the
# other worker's child kept the crashed child's output open until the spinning one was killed, and the
# crash was reported as a timeout, in about one run in three.)
source "$(dirname "$0")/lib.sh"
[[ $SANITIZED == 0 ]] || skip "under AddressSanitizer the codec's heap corruption no longer aborts"
mkdir -p "$WORK/site/images"
for i in 1 2 3 4 5 6 7 8; do cp "$FIXTURES/images/bad/crash-openjpeg.jp2" "$WORK/site/images/crash$i.jp2"; done
cp "$FIXTURES/images/bad/hang-truncated.svgz" "$WORK/site/images/hang1.svgz"
cp "$FIXTURES/images/bad/hang-truncated.svgz" "$WORK/site/images/hang2.svgz"
cat >"$WORK/site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
limits: { formats: [jpeg, png, webp, gif, heif, tiff, svg, jp2k], max_seconds: 2 }
presets:
  small: { resize: { width: 100 }, format: webp }
assets:
  - { source: "hang1.svgz", presets: [small] }
  - { source: "crash*.jp2", presets: [small] }
  - { source: "hang2.svgz", presets: [small] }
YAML

for round in 1 2 3; do
  run_prerender run "$WORK/site/site.yaml" --jobs 2 --force
  expect_status 1
  for i in 1 2 3 4 5 6 7 8; do
    expect_err "failed: crash$i small webp 1x: the decoder crashed on this file (signal 6: Aborted)"
  done
  expect_err "failed: hang1 small webp 1x: decoding took longer than limits.max_seconds (2 s) and was stopped"
  expect_err "failed: hang2 small webp 1x: decoding took longer than limits.max_seconds (2 s) and was stopped"
done
