#!/usr/bin/env bash
# prerender check as CI runs it: references approved with --update match; a quality change, a dimension
# change, a byte-size change, a missing and an extra reference and a rendition that cannot be rendered
# are each reported as such (text, JUnit XML, exit code); --update lists what it changes.
source "$(dirname "$0")/lib.sh"
site="$WORK/site"
mkdir -p "$site/images"
cp "$FIXTURES/images/landscape-1.jpg" "$FIXTURES/images/gray-concert.jpg" "$FIXTURES/images/webp-alpha.webp" "$site/images/"
cat >"$site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  card: { resize: { width: 160 }, format: [webp, jpeg], quality: 80 }
  icon: { resize: { width: 48, height: 48, fit: cover }, format: png }
assets:
  - { source: "*.*", presets: [card, icon] }
YAML
golden="$WORK/golden"
renditions=9

# No references yet: a usage error that says how to make them.
run_prerender check "$site/site.yaml" --golden "$golden"
expect_status 2
expect_err "does not exist (make it with --update)"

run_prerender check "$site/site.yaml" --golden "$golden" --update
expect_status 0
expect_out "added    landscape-1/card.webp"
expect_out "$renditions added, 0 changed, 0 removed, 0 unchanged"
[[ $(find "$golden" -type f | wc -l) == "$renditions" ]] || fail "expected $renditions references"
[[ ! -e "$site/public" ]] || fail "check wrote into the output root"

run_prerender check "$site/site.yaml" --golden "$golden" --junit "$WORK/pass.xml"
expect_status 0
expect_out "$renditions renditions against $golden: $renditions match, 0 differ"

# junit_cases FILE: "classname name kind" per test case (kind: pass, failure or error).
junit_cases() {
  "$PYTHON" - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
total = 0
for suite in root.findall("testsuite"):
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases)
    assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
    assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
    total += len(cases)
    for c in cases:
        kind = "failure" if c.find("failure") is not None else "error" if c.find("error") is not None else "pass"
        print(c.get("classname"), c.get("name"), kind)
assert int(root.get("tests")) == total
PY
}
junit_cases "$WORK/pass.xml" >"$WORK/cases"
[[ $(grep -c ' pass$' "$WORK/cases") == "$renditions" ]] || fail "JUnit: not $renditions passing cases"

# A quality change: the card renditions differ, each named (the photos scored over the tolerance; the
# smooth colour wheel of webp-alpha barely changes in WebP, but its bytes do); the PNG icons still match.
sed -i 's/quality: 80/quality: 40/' "$site/site.yaml"
run_prerender check "$site/site.yaml" --golden "$golden" --junit "$WORK/quality.xml"
expect_status 3
expect_out "webp-alpha/card.webp  "
for asset in landscape-1 gray-concert; do
  for ext in webp jpg; do
    grep -E "^DIFF +$asset/card\.$ext  .*difference 0\.[0-9]{4} over the tolerance 0\.01" "$WORK/out" >/dev/null ||
      fail "$asset/card.$ext not reported with its score"
  done
done
expect_out "3 match, 6 differ"
junit_cases "$WORK/quality.xml" >"$WORK/cases"
[[ $(grep -c '^prerender.card .* failure$' "$WORK/cases") == 6 ]] || fail "JUnit: the 6 card renditions should fail"
[[ $(grep -c '^prerender.icon .* pass$' "$WORK/cases") == 3 ]] || fail "JUnit: the 3 icons should pass"

# A looser tolerance lets the same change pass (the byte change too).
sed -i 's/quality: 40 }/quality: 40, check: { max_difference: 0.2, max_bytes_change: 0.9 } }/' "$site/site.yaml"
run_prerender check "$site/site.yaml" --golden "$golden"
expect_status 0
sed -i 's/quality: 40, check: { max_difference: 0.2, max_bytes_change: 0.9 } }/quality: 80 }/' "$site/site.yaml"

# A dimension change.
sed -i 's/width: 48, height: 48/width: 48, height: 40/' "$site/site.yaml"
run_prerender check "$site/site.yaml" --golden "$golden"
expect_status 3
expect_out "landscape-1/icon.png  "
expect_out "the reference is 48x48, the new output 48x40"
sed -i 's/width: 48, height: 40/width: 48, height: 48/' "$site/site.yaml"

# The same pixels in more bytes: the byte budget against the reference, and nothing else.
sed -i 's/format: png }/format: png, effort: 0 }/' "$site/site.yaml"
run_prerender check "$site/site.yaml" --golden "$golden"
expect_status 3
grep -E '^BYTES +gray-concert/icon\.png  [0-9.]+ KiB \([0-9]+ bytes\) is \+[0-9.]+% against the reference.s [0-9.]+ KiB \(tolerance ±10%\)$' "$WORK/out" >/dev/null ||
  fail "the byte change is not reported as such"
sed -i 's/format: png, effort: 0 }/format: png }/' "$site/site.yaml"

# A missing and an extra reference (hidden files are not references).
mv "$golden/gray-concert/card.jpg" "$WORK/saved.jpg"
mkdir -p "$golden/retired"
cp "$WORK/saved.jpg" "$golden/retired/old.jpg"
touch "$golden/.gitkeep"
run_prerender check "$site/site.yaml" --golden "$golden" --junit "$WORK/refs.xml"
expect_status 3
expect_out "MISSING    gray-concert/card.jpg  no reference at this path"
expect_out "EXTRA      retired/old.jpg  no rendition of the manifest writes this path"
expect_no_err ".gitkeep"
! grep -q gitkeep "$WORK/out" || fail ".gitkeep taken for a reference"
junit_cases "$WORK/refs.xml" >"$WORK/cases"
grep -q '^prerender.extra retired/old.jpg failure$' "$WORK/cases" || fail "JUnit: the extra reference is not a failing case"

# A selection checks only its assets; the references of the others are not extra.
run_prerender check "$site/site.yaml" --golden "$golden" --only 'landscape-*'
expect_out "4 renditions against"
expect_no_err "card.jpg"
! grep -q "gray-concert" "$WORK/out" || fail "--only compared another asset"

# A rendition that cannot be rendered: an error (exit 1), its reference kept by --update.
sed -i 's/quality: 80 }/quality: 80, max_bytes: 300 }/' "$site/site.yaml"
run_prerender check "$site/site.yaml" --golden "$golden" --junit "$WORK/error.xml"
expect_status 1
grep -E '^ERROR +landscape-1/card\.jpg  cannot fit max_bytes 300' "$WORK/out" >/dev/null || fail "the render error is not reported"
junit_cases "$WORK/error.xml" >"$WORK/cases"
grep -q '^prerender.card landscape-1/card.jpg error$' "$WORK/cases" || fail "JUnit: no <error> for the render failure"
before=$(sha256sum "$golden/landscape-1/card.jpg")
run_prerender check "$site/site.yaml" --golden "$golden" --update
expect_status 1
expect_out "(its reference is kept)"
[[ $(sha256sum "$golden/landscape-1/card.jpg") == "$before" ]] || fail "--update replaced the reference of a failed rendition"
expect_out "removed  retired/old.jpg"
[[ ! -e "$golden/retired" ]] || fail "the folder of the removed reference is left"
[[ -e "$golden/.gitkeep" ]] || fail "--update removed a hidden file"
sed -i 's/quality: 80, max_bytes: 300 }/quality: 80 }/' "$site/site.yaml"

# --update after a real change lists added and changed (with the score), then all match.
sed -i 's/quality: 80/quality: 60/' "$site/site.yaml"
run_prerender check "$site/site.yaml" --golden "$golden" --update
expect_status 0
expect_out "added    gray-concert/card.jpg"
grep -E '^changed  landscape-1/card\.webp  difference 0\.[0-9]{4}, ' "$WORK/out" >/dev/null || fail "no changed line with a score"
expect_out "0 removed, 3 unchanged"
run_prerender check "$site/site.yaml" --golden "$golden"
expect_status 0
expect_out "$renditions match, 0 differ, 0 without a reference, 0 extra references, 0 failed to render"
