#!/usr/bin/env bash
# urls.txt lists every URL of the manifest present, whatever the run's selection (--only, --top); merge
# leaves out the renditions of assets removed from the manifest, and counts them.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
public="$WORK/site/public"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
cp "$public/urls.txt" "$WORK/urls-full"
[[ $(wc -l <"$WORK/urls-full") == 48 ]] || fail "urls.txt does not list 48 URLs"

run_prerender run "$WORK/site/site.yaml" --only landscape-1
expect_status 0
expect_err "0 rendered, 6 up to date"
cmp -s "$public/urls.txt" "$WORK/urls-full" || fail "an --only run rewrote urls.txt with its selection ($(wc -l <"$public/urls.txt") URLs)"
run_prerender run "$WORK/site/site.yaml" --top 1
expect_status 0
cmp -s "$public/urls.txt" "$WORK/urls-full" || fail "a --top run rewrote urls.txt with its selection ($(wc -l <"$public/urls.txt") URLs)"

# Shards, then one asset leaves the manifest (its source is removed): merge drops it from urls.txt.
for k in 0 1; do
  run_prerender run "$WORK/site/site.yaml" --shard "$k/2" --jobs 2
  expect_status 0
done
run_prerender merge "$WORK/site/site.yaml"
expect_status 0
expect_out "48 renditions"
[[ $(wc -l <"$public/urls.txt") == 48 ]] || fail "merged urls.txt does not list 48 URLs"
rm "$WORK/site/images/portrait-8.jpg"
run_prerender merge "$WORK/site/site.yaml"
expect_status 0
expect_out "6 renditions no longer in the manifest"
[[ $(wc -l <"$public/urls.txt") == 42 ]] || fail "merged urls.txt does not list 42 URLs"
! grep -q "/portrait-8/" "$public/urls.txt" || fail "urls.txt still lists an asset removed from the manifest"
grep -q "/portrait-1/" "$public/urls.txt" || fail "urls.txt lost an asset still in the manifest"
# Most popular first, as before: the merged list keeps the order of the full run.
grep -v "/portrait-8/" "$WORK/urls-full" | cmp -s - "$public/urls.txt" || fail "merged urls.txt is not in priority order"
