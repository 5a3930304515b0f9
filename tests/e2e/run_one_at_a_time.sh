#!/usr/bin/env bash
# One run per output root: while a run holds the root's lock, a second one exits 75 at once naming the
# holder's pid (so does merge), gives up after --wait-timeout, and with --wait starts once the first is
# done (and then finds everything up to date: the two never wrote the journal together).
source "$(dirname "$0")/lib.sh"
make_slow_site "$WORK/site" 24
public="$WORK/site/public"
"$PRERENDER" run "$WORK/site/site.yaml" --jobs 1 >"$WORK/first.out" 2>"$WORK/first.err" &
pid=$!
for _ in $(seq 1 1200); do  # up to a minute: sanitizer builds on a loaded machine are slow
  [[ "$(cat "$public/.prerender.lock" 2>/dev/null)" == "$pid" ]] && break
  sleep 0.05
done
[[ "$(cat "$public/.prerender.lock")" == "$pid" ]] || fail "the lock file does not name the running pid $pid"

run_prerender run "$WORK/site/site.yaml" --jobs 1
kill -0 "$pid" || fail "the first run ended too soon for this test"
expect_status 75
expect_err "prerender: the output root '$public/' is in use by another prerender (pid $pid, lock $public/.prerender.lock); pass --wait to wait for it"

run_prerender run "$WORK/site/site.yaml" --jobs 1 --wait-timeout 1s
expect_status 75
expect_err "is still in use by another prerender (pid $pid"

run_prerender merge "$WORK/site/site.yaml"
expect_status 75
expect_err "in use by another prerender (pid $pid"

run_prerender run "$WORK/site/site.yaml" --jobs 1 --wait
expect_status 0
set +e
wait "$pid"
first=$?
set -e
[[ $first == 0 ]] || fail "the first run exited $first: $(cat "$WORK/first.err")"
expect_err "0 rendered, 72 up to date, 0 failed"
check_outputs "$public"
[[ $(wc -l <"$public/renditions.jsonl") == 72 ]] || fail "the journal does not hold one line per rendition"
[[ $(wc -l <"$public/urls.txt") == 72 ]] || fail "urls.txt does not list every rendition"
