#!/usr/bin/env bash
# render: a named preset or inline flags on given files; a bad source is named with its reason while the
# others still render (exit 1); bad flags, colliding output names and a file -o for several renditions are
# usage errors (exit 2); a rendition over its budget fails alone.
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
# The quality the budget chose is printed.
grep -qE "one.jpg  jpeg  400x[0-9]+  [0-9]+ bytes  quality [0-9]+ \(max-bytes 15360\)" "$WORK/out" || fail "the chosen quality is not printed"

# Flags are checked exactly like manifest values.
run_prerender render "$IMAGES/landscape-1.jpg" --width 400 --fit squash -o "$WORK/x"
expect_status 2
expect_err "'resize.fit' in preset 'command line' must be 'cover', 'contain', 'fill', 'inside' or 'outside', not 'squash'"
run_prerender render "$IMAGES/landscape-1.jpg" -p heor -o "$WORK/x"
expect_status 2
expect_err "no preset 'heor' (did you mean 'hero'?)"

# Two sources with one stem would write the same files: refused before anything is rendered, naming both.
mkdir -p "$WORK/a" "$WORK/b"
cp "$IMAGES/landscape-1.jpg" "$WORK/a/photo.jpg"
cp "$IMAGES/orient/portrait-6.jpg" "$WORK/b/photo.jpg"
run_prerender render "$WORK/a/photo.jpg" "$WORK/b/photo.jpg" --width 100 --format webp -o "$WORK/same"
expect_status 2
expect_err "prerender: '$WORK/a/photo.jpg' and '$WORK/b/photo.jpg' would both be written as $WORK/same/photo-custom*"
[[ -z $(ls -A "$WORK/same" 2>/dev/null) ]] || fail "something was rendered although two sources share a stem"

# -o naming a file with several renditions, or a file of another format: usage errors, nothing written.
run_prerender render "$IMAGES/landscape-1.jpg" --width 100 --format webp,jpeg -o "$WORK/name.jpg"
expect_status 2
expect_err "prerender: -o '$WORK/name.jpg' names one file, but this makes 2 renditions (1 source x 2 formats x 1 density); give a folder"
[[ ! -e "$WORK/name.jpg" ]] || fail "-o name.jpg with two renditions made something called name.jpg"
run_prerender render "$IMAGES/landscape-1.jpg" --width 100 --format jpeg -o "$WORK/name.png"
expect_status 2
expect_err "prerender: -o '$WORK/name.png' names a png file, but the rendition is jpeg"
[[ ! -e "$WORK/name.png" ]] || fail "a JPEG was written as name.png"

# A rendition that cannot fit its budget fails alone (WebP at quality 1 is 4.7 KB here, JPEG 2 KB): the
# source's other formats are still written.
run_prerender render "$IMAGES/landscape-1.jpg" --width 400 --format webp,jpeg --max-bytes 3KiB -o "$WORK/budget"
expect_status 1
expect_err "prerender: $IMAGES/landscape-1.jpg: webp 1x: cannot fit max_bytes"
expect_out "landscape-1-custom.jpg  jpeg  400x"
vipsheader "$WORK/budget/landscape-1-custom.jpg" | grep -q "400x" || fail "the JPEG after the failed WebP was not written"
[[ ! -e "$WORK/budget/landscape-1-custom.webp" ]] || fail "the WebP over budget was written"

# A transparent background on JPEG would be black: refused, from flags and from a manifest alike.
run_prerender render "$IMAGES/landscape-1.jpg" --width 100 --height 100 --fit contain --background transparent --format jpeg -o "$WORK/x"
expect_status 2
expect_err "jpeg has no alpha, so background 'transparent' would come out black; give an opaque colour such as \"#ffffff\""
cat >"$WORK/bg.yaml" <<'YAML'
version: 1
sources: { root: . }
output: { root: public/ }
presets:
  boxed: { resize: { width: 100, height: 100, fit: contain }, background: "#ff000080", format: [webp, jpeg] }
assets: []
YAML
run_prerender validate "$WORK/bg.yaml"
expect_status 2
expect_err "preset 'boxed': jpeg has no alpha, so background '#ff000080' would come out #ff0000 (opaque)"
run_prerender render "$IMAGES/landscape-1.jpg" --width 100 --height 100 --fit contain --background transparent --format webp -o "$WORK/bg"
expect_status 0
vipsheader "$WORK/bg/landscape-1-custom.webp" | grep -q "4 bands" || fail "a transparent background on WebP should keep alpha"

# Source formats are opted into with --allow, as limits.formats does in a manifest.
run_prerender render "$IMAGES/svgz-logo.svgz" --width 200 --format png -o "$WORK/svg"
expect_status 1
expect_err "format 'svg' is not allowed"
run_prerender render "$IMAGES/svgz-logo.svgz" --allow svg --width 200 --format png -o "$WORK/svg"
expect_status 0
expect_out "svgz-logo-custom.png  png  200x150"
run_prerender render "$IMAGES/svgz-logo.svgz" --allow svgg --width 200 -o "$WORK/svg"
expect_status 2
