#!/usr/bin/env bash
# A rendition's bytes depend only on its source, its recipe and the toolchain: never on which other
# renditions are redone, the selection, the command or --jobs. After one full run, each of these makes
# byte-identical files and lists nothing in changed.txt: one output deleted and a rerun, --force, --only
# one asset, two shards and a merge, `render -p` of one preset, `check --update` of a subset. A
# `quality: auto` preset is among them: its search depends on the rendition's own pixels only.
source "$(dirname "$0")/lib.sh"

make_widths_site() {
  local dir=$1
  mkdir -p "$dir/images"
  cp "$FIXTURES/images/landscape-1.jpg" "$FIXTURES/images/cmyk-swop.jpg" "$FIXTURES/images/icc-adobergb.jpg" \
     "$FIXTURES/images/webp-alpha.webp" "$FIXTURES/images/wide-798x20.png" "$FIXTURES/images/anim-loop3.gif" \
     "$FIXTURES/images/orient/portrait-6.jpg" "$dir/images/"
  cat >"$dir/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/, base_url: "https://cdn.test/" }
presets:
  large: { resize: { width: 400 }, format: [jpeg, webp] }
  medium: { resize: { width: 150 }, format: [webp, jpeg], dpr: [1, 2] }
  icon: { resize: { width: 60 }, format: avif }
  thumb: { resize: { width: 40, height: 40, fit: cover }, format: [png, jpeg] }
  moving: { resize: { width: 90 }, format: [webp, jpeg], animation: keep }
  searched: { resize: { width: 100 }, format: [jpeg, webp], quality: auto }
assets:
  - { source: "*.*", presets: [large, medium, thumb, moving, icon, searched] }
YAML
}

# same_files A B [PATTERN]: every rendition under root A (matching PATTERN) is in B with the same bytes.
same_files() {
  local a=$1 b=$2 pattern=${3:-*} f n=0
  while IFS= read -r f; do
    [[ -f "$b/$f" ]] || fail "$b lacks $f"
    cmp -s "$a/$f" "$b/$f" || fail "bytes differ from the full run's: $f ($4)"
    n=$((n + 1))
  done < <(cd "$a" && find . -type f -path "./$pattern" \( -name '*.jpg' -o -name '*.webp' -o -name '*.png' -o -name '*.avif' \) | sort)
  [[ $n -gt 0 ]] || fail "no renditions compared ($4)"
}

expect_nothing_changed() {
  [[ ! -s "$1/changed.txt" ]] || fail "changed.txt lists unchanged renditions ($2): $(head -3 "$1/changed.txt")"
}

full="$WORK/full"
make_widths_site "$full"
run_prerender run "$full/site.yaml" --jobs 2
expect_status 0
renditions=$(grep -c . "$full/public/urls.txt")
[[ $renditions == 91 ]] || fail "expected 7 assets x 13 renditions, got $renditions"
cp -a "$full/public" "$WORK/reference"
ref="$WORK/reference"

# One output deleted (the smallest of an asset whose other renditions need a larger decode), then a rerun.
rm "$full/public/landscape-1/thumb.png" "$full/public/cmyk-swop/medium.webp"
run_prerender run "$full/site.yaml" --jobs 1
expect_status 0
same_files "$ref" "$full/public" '*' "after deleting two outputs"
expect_nothing_changed "$full/public" "rerun after deleting two outputs"

# --force re-renders everything: the same bytes, nothing changed.
run_prerender run "$full/site.yaml" --force --jobs 2
expect_status 0
same_files "$ref" "$full/public" '*' "--force"
expect_nothing_changed "$full/public" "--force"

# --only one asset, into a fresh root.
only="$WORK/only"
make_widths_site "$only"
run_prerender run "$only/site.yaml" --only 'landscape-1' --jobs 1
expect_status 0
same_files "$only/public" "$ref" '*' "--only"

# Two shards and a merge.
sharded="$WORK/sharded"
make_widths_site "$sharded"
for k in 0 1; do
  run_prerender run "$sharded/site.yaml" --shard "$k/2" --jobs 1
  expect_status 0
done
run_prerender merge "$sharded/site.yaml"
expect_status 0
same_files "$ref" "$sharded/public" '*' "two shards and a merge"

# render -p of one preset: the same bytes as run's, under render's own names.
run_prerender render "$full/images/landscape-1.jpg" -p medium -m "$full/site.yaml" -o "$WORK/rendered"
expect_status 0
for pair in "medium.webp:medium" "medium@2x.webp:medium@2x" "medium.jpg:medium"; do
  file=${pair%%:*} ext=${file##*.}
  cmp -s "$ref/landscape-1/$file" "$WORK/rendered/landscape-1-${pair##*:}.$ext" \
    || fail "render -p medium gives other bytes than run for $file"
done

# check of a subset, against references copied from the full run: all unchanged, byte for byte.
golden="$WORK/golden"
mkdir -p "$golden"
cp -a "$ref/cmyk-swop" "$golden/"
run_prerender check "$full/site.yaml" --golden "$golden" --only cmyk-swop --update
expect_status 0
expect_out "0 added, 0 changed, 0 removed"
same_files "$ref" "$golden" 'cmyk-swop/*' "check --only --update"
