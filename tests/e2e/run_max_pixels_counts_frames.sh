#!/usr/bin/env bash
# limits.max_pixels counts every frame: an 11 KB GIF of 500 frames of 1000x1000 (one pixel drawn a
# frame, the canvas kept) is refused from its header, before any frame is decoded. Before frames were
# counted it rendered, to 768 MiB of peak RSS under --memory 100MiB.
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/site/images"
"$PYTHON" - "$WORK/site/images/frames.gif" <<'PY'
import struct, sys
frames, side = 500, 1000
out = bytearray(b"GIF89a" + struct.pack("<HHBBB", side, side, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff")
out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
for i in range(frames):
    out += b"\x21\xf9\x04\x04\x04\x00\x00\x00"                     # 40 ms, the canvas kept
    out += b"\x2c" + struct.pack("<HHHHB", i % side, 0, 1, 1, 0)   # one pixel
    out += b"\x02\x02\x44\x01\x00"
out += b"\x3b"
open(sys.argv[1], "wb").write(out)
PY
cp "$FIXTURES/images/anim-loop3.gif" "$WORK/site/images/loop.gif"
cat >"$WORK/site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  anim: { resize: { width: 100 }, format: webp, animation: keep, max_frames: 500 }
assets:
  - { source: "*.gif", presets: [anim] }
YAML
run_prerender run "$WORK/site/site.yaml" --memory 100MiB --jobs 1
expect_status 1
expect_err "failed: frames anim webp 1x: the source is 500 frames of 1000x1000 = 500000000 pixels, over limits.max_pixels (100000000, all 500 frames counted); refused before decoding"
expect_err "1 rendered, 0 up to date, 1 failed"
[[ $(vipsheader -f n-pages "$WORK/site/public/loop/anim.webp") == 10 ]] || fail "the good animation did not render"
if [[ $SANITIZED == 0 ]]; then
  rss=$(sed -n 's/.*peak RSS \([0-9.]*\) MiB.*/\1/p' "$WORK/err")
  [[ -n $rss ]] || fail "no peak RSS in the summary"
  "$PYTHON" -c "import sys; sys.exit(0 if float(sys.argv[1]) < 100 else 1)" "$rss" || fail "peak RSS $rss MiB over the 100 MiB budget"
fi
