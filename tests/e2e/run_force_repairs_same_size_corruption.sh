#!/usr/bin/env bash
# A rendition overwritten in place with other bytes of the same size: a plain run trusts the journal and
# the size (it does not hash outputs, so it does not notice); --force hashes what is on disk and writes
# the rendition again, without calling it changed (the CDN was given the journal's bytes).
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
public="$WORK/site/public"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
victim="$public/landscape-1/small.webp"
cp "$victim" "$WORK/original"
size=$(stat -c %s "$victim")
dd if=/dev/urandom of="$victim" bs="$size" count=1 conv=notrunc status=none
[[ $(stat -c %s "$victim") == "$size" ]] || fail "the corruption changed the size"
! cmp -s "$victim" "$WORK/original" || fail "the corruption left the bytes as they were"

run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
expect_err "0 rendered, 48 up to date, 0 failed, 0 changed"
! cmp -s "$victim" "$WORK/original" || fail "a plain run repaired the file: it hashed an output"

run_prerender run "$WORK/site/site.yaml" --jobs 2 --force
expect_status 0
expect_err "48 rendered, 0 up to date, 0 failed, 0 changed"
cmp -s "$victim" "$WORK/original" || fail "--force did not repair the corrupted rendition"
