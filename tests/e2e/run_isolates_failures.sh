#!/usr/bin/env bash
# One corrupt source fails its renditions with a reason; every other asset renders; exit 1.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
cp "$FIXTURES/images/bad/truncated-10000b.jpg" "$WORK/site/images/broken.jpg"
cp "$FIXTURES/images/bad/text-not-image.jpg" "$WORK/site/images/not-an-image.jpg"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 1
expect_err "48 rendered, 0 up to date, 12 failed"
expect_err "failed: broken small webp 1x: cannot decode the source: VipsJpeg: Premature end of input file"
expect_err "failed: not-an-image small webp 1x: not an image format prerender accepts (limits.formats)"
check_outputs "$WORK/site/public"
[[ ! -e "$WORK/site/public/broken" ]] || fail "a failed asset left outputs"
grep -q '"status":"failed"' "$WORK/site/public/renditions.jsonl" || fail "failures are not in the journal"
grep -q '"error":"cannot decode the source' "$WORK/site/public/renditions.jsonl" || fail "the journal lacks the reason"
