#!/usr/bin/env bash
# run -> urls.txt -> a log of exactly those URLs -> popularity maps 100% of them back to their assets,
# through the base URL, and the coverage report tells which of the top assets have no up-to-date renditions.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
site="$WORK/site/site.yaml"
run_prerender run "$site" --jobs 2
expect_status 0
urls="$WORK/site/public/urls.txt"
[[ $(wc -l <"$urls") == 48 ]] || fail "urls.txt does not list 48 URLs"
GEN="$PRERENDER_SOURCE_DIR/tests/e2e/access_log.py"
"$PYTHON" "$GEN" --urls "$urls" --lines 5000 --seed 3 --out "$WORK/access.log"
# Absolute URLs, as a CDN that logs the full URL writes them.
sed 's|"GET /|"GET https://cdn.test/|' "$WORK/access.log" >"$WORK/absolute.log"
run_prerender popularity "$site" "$WORK/access.log" "$WORK/absolute.log" -o "$WORK/pop.yaml"
expect_status 0
expect_out "popularity: 10,000 lines in 2 logs: 10,000 requests counted; 10,000 (100.0%) to 8 assets of the manifest, 0 to no rendition"
expect_out "top 8 assets: 100.0% of image requests; all up to date"
"$PYTHON" - "$WORK/pop.yaml" <<'PY' || fail "the popularity file does not sum to every request"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert sum(doc["requests"].values()) == 10000, doc["requests"]
assert len(doc["requests"]) == 8, doc["requests"]
assert doc["summary"]["requests_unknown"] == 0
PY

# A rendition gone from the output root: its asset is named as not up to date.
top=$("$PYTHON" -c "import yaml; print(next(iter(yaml.safe_load(open('$WORK/pop.yaml'))['requests'])))")
rm "$WORK/site/public/$top/small.webp"
# Repeatable options take one value each, so positionals may follow them.
run_prerender popularity --coverage 1 --json-fields url=url,status=status --coverage 2 "$site" "$WORK/access.log" -o "$WORK/pop.yaml"
expect_status 0
expect_out "top 1 asset: "
expect_out "; 1 without up-to-date renditions ($top)"
expect_out "top 2 assets: "

# The template changes: the CDN still serves (and logs) the old URLs for a while; the journal recorded them,
# so they still count for their assets.
sed -i 's|output: { root: public/, base_url: "https://cdn.test/" }|output: { root: public/, base_url: "https://cdn.test/", path: "v2/{preset}/{asset}{dpr}.{ext}" }|' "$site"
grep -q 'path: "v2/' "$site" || fail "the test could not change the template"
run_prerender popularity "$site" "$WORK/access.log" -o "$WORK/old-urls.yaml"
expect_status 0
expect_out "5,000 requests counted; 5,000 (100.0%) to 8 assets of the manifest, 0 to no rendition"
