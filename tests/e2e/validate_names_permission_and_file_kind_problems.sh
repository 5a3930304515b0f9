#!/usr/bin/env bash
# Permission problems are called "permission denied" with the path (run as an unprivileged user: root
# reads everything); a folder, a FIFO or a pipe as the manifest is refused at once, without hanging.
source "$(dirname "$0")/lib.sh"
if command -v setpriv >/dev/null; then
  as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
elif command -v runuser >/dev/null; then
  as_nobody() { runuser -u nobody -- "$@"; }
else
  skip "neither setpriv nor runuser can run the binary as an unprivileged user"
fi
# run_as_nobody ARGS...: like run_prerender, as user nobody, in $WORK/site.
run_as_nobody() {
  set +e
  (cd "$WORK/site" && as_nobody timeout 60 "$PRERENDER" "$@") >"$WORK/out" 2>"$WORK/err"
  STATUS=$?
  set -e
}

chmod 755 "$WORK"
site=$WORK/site
mkdir -p "$site/images/locked" "$site/public" "$site/libs"
cp "$FIXTURES/images/landscape-1.jpg" "$site/images/open.jpg"
cp "$FIXTURES/images/landscape-1.jpg" "$site/images/unreadable.jpg"
cp "$FIXTURES/images/landscape-1.jpg" "$site/images/locked/hidden.jpg"
chmod 000 "$site/images/unreadable.jpg"
chmod 000 "$site/images/locked"
chown nobody "$site" "$site/public"
preset='presets: { small: { resize: { width: 64 }, format: webp } }'

# An unreadable source: validate and run say so (it was "not an image format" in run).
printf 'version: 1\nsources: { root: images/ }\n%s\nassets:\n  - { source: unreadable.jpg, presets: [small] }\n' \
  "$preset" >"$site/unreadable.yaml"
run_as_nobody validate unreadable.yaml
expect_status 2
expect_err "source 'images/unreadable.jpg': permission denied"
run_as_nobody run unreadable.yaml
expect_status 1
expect_err "cannot read the source: permission denied"
expect_no_err "not an image"

# A source in a folder the user cannot enter (it was "does not exist").
printf 'version: 1\nsources: { root: images/ }\n%s\nassets:\n  - { source: locked/hidden.jpg, presets: [small] }\n' \
  "$preset" >"$site/folder.yaml"
run_as_nobody validate folder.yaml
expect_status 2
expect_err "source 'images/locked/hidden.jpg': permission denied on a folder of its path"
expect_no_err "does not exist"

# A glob through that folder (it was "matches no file").
printf 'version: 1\nsources: { root: images/ }\n%s\nassets:\n  - { source: "locked/*.jpg", presets: [small] }\n' \
  "$preset" >"$site/glob.yaml"
run_as_nobody validate glob.yaml
expect_status 2
expect_err "'locked/*.jpg': cannot list folder 'images/locked': permission denied"
expect_no_err "matches no file"

# An unreadable manifest, and an include in an unreadable folder.
cp "$site/glob.yaml" "$site/secret.yaml" && chmod 000 "$site/secret.yaml"
run_as_nobody validate secret.yaml
expect_status 2
expect_err "secret.yaml: cannot read the file: permission denied"
echo "$preset" >"$site/libs/lib.yaml" && chmod 000 "$site/libs"
printf 'version: 1\ninclude: libs/lib.yaml\nassets: []\n' >"$site/include.yaml"
run_as_nobody validate include.yaml
expect_status 2
expect_err "include.yaml:2:10: included file 'libs/lib.yaml': permission denied"

# A folder, a FIFO without a writer and a pipe as the manifest.
run_prerender validate "$site/images"
expect_status 2
expect_err "images: is a folder, not a manifest file"
mkfifo "$WORK/fifo.yaml"
set +e
timeout 60 "$PRERENDER" validate "$WORK/fifo.yaml" >"$WORK/out" 2>"$WORK/err"
STATUS=$?
set -e
expect_status 2
expect_err "fifo.yaml: is a pipe, not a regular file; save the manifest to a file"
set +e
printf 'version: 1\nassets: []\n' | timeout 60 "$PRERENDER" validate /dev/stdin >"$WORK/out" 2>"$WORK/err"
STATUS=$?
set -e
expect_status 2
expect_err "/dev/stdin: is a pipe, not a regular file"
