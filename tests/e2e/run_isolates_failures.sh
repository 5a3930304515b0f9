#!/usr/bin/env bash
# Corrupt and non-image sources fail their renditions with a reason saying what each file is; every
# other asset renders; exit 1.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
cp "$FIXTURES/images/bad/truncated-10000b.jpg" "$WORK/site/images/broken.jpg"
cp "$FIXTURES/images/bad/text-not-image.jpg" "$WORK/site/images/not-an-image.jpg"
cp "$FIXTURES/images/bad/html-error-page.jpg" "$WORK/site/images/error-page.jpg"
cp "$FIXTURES/images/bad/corrupt-header.jpg" "$WORK/site/images/corrupt.jpg"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 1
expect_err "48 rendered, 0 up to date, 24 failed"
expect_err "failed: broken small webp 1x: cannot decode the source: VipsJpeg: Premature end of input file"
expect_err "failed: not-an-image small webp 1x: not an image: the file holds text (\"This is a plain text file that only pret...\"); named .jpg"
expect_err "failed: error-page small webp 1x: not an image: the file starts like HTML (\"<html>\"), such as an error page saved in place of the image; named .jpg"
expect_err "failed: corrupt small webp 1x: corrupt JPEG: cannot read the header: VipsJpeg: Premature end of input file"
expect_no_err "limits.formats"
check_outputs "$WORK/site/public"
[[ ! -e "$WORK/site/public/broken" ]] || fail "a failed asset left outputs"
grep -q '"status":"failed"' "$WORK/site/public/renditions.jsonl" || fail "failures are not in the journal"
grep -q '"error":"cannot decode the source' "$WORK/site/public/renditions.jsonl" || fail "the journal lacks the reason"
