#!/usr/bin/env bash
# Links planted in the output root, or at the files a user names, are refused, never followed: a link
# at renditions.jsonl, a linked folder where a rendition goes (and a stale temporary behind it), a link
# at --log-file and --metrics-file. What they point at is left byte for byte as it was.
source "$(dirname "$0")/lib.sh"
make_site "$WORK/site"
public="$WORK/site/public"
elsewhere="$WORK/elsewhere"
mkdir -p "$public" "$elsewhere"
printf 'precious\nlines\n' >"$elsewhere/notes.txt"

# A link at the journal: before, it was cut (torn-line repair) and appended through.
ln -s "$elsewhere/notes.txt" "$public/renditions.jsonl"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 2
expect_err "renditions.jsonl' is a symbolic link: prerender never writes through links"
[[ "$(cat "$elsewhere/notes.txt")" == $'precious\nlines' ]] || fail "the file behind the journal link was changed"
rm "$public/renditions.jsonl"

# A linked folder where one asset's renditions go: that asset fails with the reason, nothing is written
# behind the link, the stale temporary of a dead process there is not removed, the others render.
mkdir -p "$elsewhere/folder"
printf 'precious' >"$elsewhere/folder/small.webp"
host=$(hostname | tr -- '-/' '__')
stale=".prerender-tmp-$host-999999999-small.jpg.abc"
printf 'not ours' >"$elsewhere/folder/$stale"
ln -s "$elsewhere/folder" "$public/landscape-1"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 1
expect_err "public/landscape-1' is a symbolic link: prerender never writes through links"
expect_err "42 rendered"
[[ "$(cat "$elsewhere/folder/small.webp")" == precious ]] || fail "a rendition was written through the linked folder"
[[ $(ls -A "$elsewhere/folder" | wc -l) == 2 ]] || fail "files appeared behind the linked folder: $(ls -A "$elsewhere/folder")"
[[ -f "$elsewhere/folder/$stale" ]] || fail "a temporary behind a link was removed"
[[ -L "$public/landscape-1" ]] || fail "the link itself was replaced"

# Files the user names outside the output root: their folder is the user's choice, the file itself must
# not be a link.
ln -s "$elsewhere/notes.txt" "$WORK/run.log"
run_prerender run "$WORK/site/site.yaml" --log-file "$WORK/run.log"
expect_status 2
expect_err "run.log' is a symbolic link: prerender never writes through links"
ln -s "$elsewhere/notes.txt" "$WORK/metrics.prom"
run_prerender run "$WORK/site/site.yaml" --metrics-file "$WORK/metrics.prom"
expect_status 1
expect_err "cannot write the metrics file: '$WORK/metrics.prom' is a symbolic link: prerender never writes through links"
[[ -L "$WORK/metrics.prom" ]] || fail "the metrics link was replaced"
[[ "$(cat "$elsewhere/notes.txt")" == $'precious\nlines' ]] || fail "the file behind a link was changed"

# The output root itself may be reached through a link: that is where the user put it.
rm "$public/landscape-1"
mv "$public" "$WORK/real-public"
ln -s "$WORK/real-public" "$public"
run_prerender run "$WORK/site/site.yaml" --jobs 2
expect_status 0
check_outputs "$WORK/real-public"
[[ $(wc -l <"$WORK/real-public/urls.txt") == 48 ]] || fail "not every rendition is present under a linked root"
