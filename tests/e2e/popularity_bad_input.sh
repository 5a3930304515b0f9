#!/usr/bin/env bash
# popularity's bad input: a log that cannot be read, a truncated gzip log, bad flags: exit 2, the reason named,
# and no popularity file written from part of the logs.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
site="$WORK/site/site.yaml"
run_prerender plan "$site" --json
cp "$WORK/out" "$WORK/plan.jsonl"
GEN="$PRERENDER_SOURCE_DIR/tests/e2e/access_log.py"
"$PYTHON" "$GEN" --urls "$WORK/plan.jsonl" --lines 20000 --out "$WORK/access.log.gz"

run_prerender popularity "$site" "$WORK/missing.log" -o "$WORK/pop.yaml"
expect_status 2
expect_err "prerender popularity: $WORK/missing.log: cannot open: No such file or directory; nothing was written"
[[ ! -e "$WORK/pop.yaml" ]] || fail "a popularity file was written without its log"

head -c 20000 "$WORK/access.log.gz" >"$WORK/truncated.log.gz"
run_prerender popularity "$site" "$WORK/truncated.log.gz" -o "$WORK/pop.yaml"
expect_status 2
expect_err "$WORK/truncated.log.gz: unexpected end of file after line "
expect_err "(a truncated gzip file?); nothing was written"
[[ ! -e "$WORK/pop.yaml" ]] || fail "a popularity file was written from a truncated log"

run_prerender popularity "$site" "$WORK/access.log.gz" --json-fields path=uri
expect_status 2
expect_err "'path=uri' must be KEY=NAME with KEY one of url, status, cache, bytes, time"
run_prerender popularity "$site" "$WORK/access.log.gz" --since yesterday
expect_status 2
expect_err "--since: must be a UTC time such as 2026-12-01T00:00:00Z or a duration before now such as 24h"

# --misses on a log without a cache state would write zeros: refused, with what to change.
"$PYTHON" "$GEN" --urls "$WORK/plan.jsonl" --lines 1000 --format json --out "$WORK/fastly.jsonl"
run_prerender popularity "$site" "$WORK/fastly.jsonl" -o "$WORK/pop.yaml" --misses --json-fields cache=state
expect_status 2
expect_err "--misses: none of the 1,000 requests has a cache state (nginx: append \$upstream_cache_status to the log_format; JSON lines: --json-fields cache=NAME); nothing was written"
[[ ! -e "$WORK/pop.yaml" ]] || fail "a popularity file of zeros was written"
run_prerender popularity "$site" "$WORK/fastly.jsonl" -o "$WORK/pop.yaml" --misses
expect_status 0

# A popularity file that is not one: the manifest names it with file:line:col.
printf 'version: 1\nrequest:\n  landscape-1: 10\n' >"$WORK/site/popularity.yaml"
sed -i '1a popularity: popularity.yaml' "$site"
run_prerender plan "$site"
expect_status 2
expect_err "popularity.yaml:2:1: unknown key 'request' in a popularity file (did you mean 'requests'?)"
printf 'version: 1\nrequests:\n  landscape-1: many\n' >"$WORK/site/popularity.yaml"
run_prerender plan "$site"
expect_status 2
expect_err "popularity.yaml:3:16: "
