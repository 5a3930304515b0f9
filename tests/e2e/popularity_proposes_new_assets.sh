#!/usr/bin/env bash
# With --add-assets, popular URLs that no asset has, whose source exists under sources.root, are proposed as
# new assets in the popularity file (with the presets their URLs name), never added silently: the manifest
# renders them only once someone copies them into assets:.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
site="$WORK/site/site.yaml"
run_prerender plan "$site" --json
cp "$WORK/out" "$WORK/plan.jsonl"
# The manifest keeps only the portraits; the other four sources stay in images/.
sed -i 's|source: "\*.jpg"|source: "portrait-*.jpg"|' "$site"
GEN="$PRERENDER_SOURCE_DIR/tests/e2e/access_log.py"
"$PYTHON" "$GEN" --urls "$WORK/plan.jsonl" --lines 20000 --seed 5 --out "$WORK/access.log" --truth "$WORK/truth.tsv"
grep -v "^[0-9]*	portrait-" "$WORK/truth.tsv" >"$WORK/truth-new.tsv"
run_prerender popularity "$site" "$WORK/access.log" -o "$WORK/without.yaml"
expect_status 0
grep -q proposed_assets "$WORK/without.yaml" && fail "assets were proposed without --add-assets"
run_prerender popularity "$site" "$WORK/access.log" -o "$WORK/pop.yaml" --add-assets
expect_status 0
"$PYTHON" - "$WORK/pop.yaml" "$WORK/truth-new.tsv" <<'PY' || fail "the proposals are not the four sources outside the manifest"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
want = [(asset, int(count)) for count, asset in (l.rstrip("\n").split("\t") for l in open(sys.argv[2]))]
got = [(p["id"], p["requests"]) for p in doc["proposed_assets"]]
assert got == want, (got, want)
for p in doc["proposed_assets"]:
    assert p["source"] == p["id"] + ".jpg", p
    assert p["presets"] == ["small", "square"], p
assert not any(not a.startswith("portrait-") for a in doc["requests"]), doc["requests"]
PY
expect_out "proposed asset: $(head -1 "$WORK/truth-new.tsv" | cut -f2) (source $(head -1 "$WORK/truth-new.tsv" | cut -f2).jpg, presets small,square, "
# The manifest does not render proposals by itself.
cp "$WORK/pop.yaml" "$WORK/site/popularity.yaml"
sed -i '1a popularity: popularity.yaml' "$site"
run_prerender plan "$site"
expect_status 0
expect_err "plan: 24 renditions of 4 assets"
