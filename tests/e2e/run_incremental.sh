#!/usr/bin/env bash
# run renders everything; a second run renders nothing and touches no file; changing one source's bytes
# re-renders exactly its renditions and lists their URLs in changed.txt.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
public="$WORK/site/public"

run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err "48 rendered, 0 up to date, 0 failed, 48 changed"
check_outputs "$public"
[[ $(wc -l <"$public/renditions.jsonl") == 48 ]] || fail "journal does not have 48 lines"
[[ $(wc -l <"$public/urls.txt") == 48 ]] || fail "urls.txt does not list 48 URLs"
[[ $(wc -l <"$public/changed.txt") == 48 ]] || fail "changed.txt does not list 48 URLs"
grep -qx "https://cdn.test/landscape-1/square@2x.avif" "$public/urls.txt" || fail "URL missing"
vipsheader "$public/landscape-1/square@2x.avif" | grep -q "192x192" || fail "2x square is not 192x192"
vipsheader "$public/portrait-6/small.jpg" | grep -q "160x213" || fail "EXIF 6 portrait (stored 308x231) not turned upright"
"$PYTHON" - "$public" <<'PY'
import json, sys
root = sys.argv[1]
records = [json.loads(l) for l in open(f"{root}/renditions.jsonl")]
r = next(r for r in records if r["asset"] == "landscape-1" and r["preset"] == "small" and r["format"] == "webp")
for field in ["path", "url", "content_type", "width", "height", "bytes", "etag", "source", "source_hash",
              "recipe_hash", "renderer_version", "libvips_version", "status", "seconds", "asset_metadata"]:
    assert field in r, field
assert r["status"] == "rendered" and r["content_type"] == "image/webp" and r["width"] == 160, r
assert r["asset_metadata"]["blurhash"] and r["asset_metadata"]["dominant_color"].startswith("#"), r
summary = json.load(open(f"{root}/run.json"))
assert summary["renditions"]["rendered"] == 48, summary["renditions"]
assert summary["stages_seconds"]["encode"]["count"] == 48
PY
find "$public" -type f ! -name '*.json*' ! -name '*.txt' ! -name '.prerender*.lock' -printf '%p %T@\n' | sort >"$WORK/mtimes-before"

run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err "0 rendered, 48 up to date, 0 failed, 0 changed"
[[ ! -s "$public/changed.txt" ]] || fail "changed.txt is not empty after an up-to-date run"
find "$public" -type f ! -name '*.json*' ! -name '*.txt' ! -name '.prerender*.lock' -printf '%p %T@\n' | sort >"$WORK/mtimes-after"
cmp -s "$WORK/mtimes-before" "$WORK/mtimes-after" || fail "an up-to-date run touched output files"
[[ $(wc -l <"$public/renditions.jsonl") == 48 ]] || fail "the journal was not compacted to 48 lines"

# New bytes for one source: exactly its 6 renditions are re-rendered and listed in changed.txt.
cp "$FIXTURES/images/orient/portrait-3.jpg" "$WORK/site/images/portrait-1.jpg"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err "6 rendered, 42 up to date, 0 failed, 6 changed"
[[ $(wc -l <"$public/changed.txt") == 6 ]] || fail "changed.txt should list 6 URLs"
! grep -v "^https://cdn.test/portrait-1/" "$public/changed.txt" || fail "changed.txt lists other assets"

# --force re-renders everything, but identical bytes are not rewritten (mtimes kept, nothing changed).
find "$public" -type f ! -name '*.json*' ! -name '*.txt' ! -name '.prerender*.lock' -printf '%p %T@\n' | sort >"$WORK/mtimes-before"
run_prerender run "$WORK/site/site.yaml" --jobs 2 --force
expect_status 0
expect_err "48 rendered, 0 up to date, 0 failed, 0 changed"
find "$public" -type f ! -name '*.json*' ! -name '*.txt' ! -name '.prerender*.lock' -printf '%p %T@\n' | sort >"$WORK/mtimes-after"
cmp -s "$WORK/mtimes-before" "$WORK/mtimes-after" || fail "identical re-rendered bytes were rewritten"

# plan shows what a run would do now: everything up to date, then one asset to render after its source changed.
run_prerender plan "$WORK/site/site.yaml"
expect_status 0
expect_err "48 renditions of 8 assets: 0 to render, 48 up to date"
cp "$FIXTURES/images/orient/portrait-8.jpg" "$WORK/site/images/portrait-1.jpg"
run_prerender plan "$WORK/site/site.yaml" --json
expect_err "48 renditions of 8 assets: 6 to render, 42 up to date"
[[ $(grep -c '"action":"render"' "$WORK/out") == 6 ]] || fail "plan --json should mark 6 renditions to render"
