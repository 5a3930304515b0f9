#!/usr/bin/env bash
# A source whose file name is not valid UTF-8 cannot be recorded in renditions.jsonl (JSON): a glob that
# matches one is a manifest error naming the file with the bad byte escaped, and nothing is rendered.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
cp "$FIXTURES/images/landscape-1.jpg" "$WORK/site/images/$(printf 'caf\xe9').jpg"  # Latin-1, not UTF-8
cp "$FIXTURES/images/landscape-1.jpg" "$WORK/site/images/$(printf 'caf\xc3\xa9').jpg"  # UTF-8: fine
run_prerender validate "$WORK/site/site.yaml"
expect_status 2
expect_err "site.yaml:8:15: '*.jpg' matches '$WORK/site/images/caf\\xe9.jpg', whose name is not valid UTF-8: renditions.jsonl (JSON) can only record UTF-8 names, and what cannot be recorded is not rendered; rename it"
expect_err "1 problem in"
run_prerender run "$WORK/site/site.yaml"
expect_status 2
[[ ! -e "$WORK/site/public" ]] || fail "something was rendered: $(ls "$WORK/site/public")"
rm "$WORK/site/images/$(printf 'caf\xe9').jpg"
run_prerender run "$WORK/site/site.yaml"
expect_status 0
grep -qF "\"asset\":\"caf$(printf '\xc3\xa9')\"" "$WORK/site/public/renditions.jsonl" || fail "the UTF-8 name was not journaled"
