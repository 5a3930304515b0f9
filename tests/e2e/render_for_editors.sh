#!/usr/bin/env bash
# render: a named preset or inline flags on given files; a bad source is named with its reason while the
# others still render (exit 1); bad flags are usage errors (exit 2).
source "$(dirname "$0")/lib.sh"
IMAGES="$FIXTURES/images"
run_prerender render "$IMAGES/landscape-1.jpg" "$IMAGES/bad/truncated-10000b.jpg" "$IMAGES/orient/portrait-6.jpg" \
  --width 200 --height 100 --format webp,jpeg -o "$WORK/renders"
expect_status 1
expect_err "truncated-10000b.jpg: cannot decode the source: VipsJpeg: Premature end of input file"
expect_out "landscape-1-custom.webp  webp  200x100"
expect_out "portrait-6-custom.jpg  jpeg  200x100"
[[ ! -e "$WORK/renders/truncated-10000b-custom.jpg" ]] || fail "a failed source left an output"
vipsheader "$WORK/renders/portrait-6-custom.jpg" | grep -q "200x100" || fail "output is not 200x100"
! ls -a "$WORK/renders" | grep -q prerender-tmp || fail "temporary files left behind"

# A bundled preset by name, at 1x and 2x, one line each.
run_prerender render "$IMAGES/landscape-1.jpg" -p thumb -o "$WORK/thumbs"
expect_status 0
expect_out "landscape-1-thumb.webp  webp  320x180"
expect_out "landscape-1-thumb@2x.jpg  jpeg  600x338"

# One source and one rendition: -o may name the file; a budget is honoured.
run_prerender render "$IMAGES/landscape-1.jpg" --width 400 --format jpeg --max-bytes 15KiB -o "$WORK/one.jpg"
expect_status 0
size=$(stat -c %s "$WORK/one.jpg")
(( size <= 15360 )) || fail "budget exceeded: $size bytes"

# Flags are checked exactly like manifest values.
run_prerender render "$IMAGES/landscape-1.jpg" --width 400 --fit squash -o "$WORK/x"
expect_status 2
expect_err "'resize.fit' in preset 'command line' must be 'cover', 'contain', 'fill', 'inside' or 'outside', not 'squash'"
run_prerender render "$IMAGES/landscape-1.jpg" -p heor -o "$WORK/x"
expect_status 2
expect_err "no preset 'heor' (did you mean 'hero'?)"
