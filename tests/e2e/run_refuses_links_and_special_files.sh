#!/usr/bin/env bash
# A source is read only from a regular file, opened once without following a final symbolic link and
# without waiting: a symbolic link to a good image and a link to /dev/zero are refused as links, a FIFO
# as a FIFO, at once (nothing waits on the FIFO), and the run goes on.
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/site/images"
cp "$FIXTURES/images/landscape-1.jpg" "$WORK/site/images/photo.jpg"
ln -s photo.jpg "$WORK/site/images/link.jpg"
ln -s /dev/zero "$WORK/site/images/zero.jpg"
mkfifo "$WORK/site/images/pipe.jpg"
cat >"$WORK/site/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  small: { resize: { width: 100 }, format: webp }
assets:
  - { source: "photo.jpg", presets: [small] }
  - { source: "link.jpg", presets: [small] }
  - { source: "zero.jpg", presets: [small] }
  - { source: "pipe.jpg", presets: [small] }
YAML
set +e
timeout 60 "$PRERENDER" run "$WORK/site/site.yaml" --jobs 2 >"$WORK/out" 2>"$WORK/err"
STATUS=$?
set -e
[[ $STATUS != 124 ]] || fail "the run hung on a special file"
expect_status 1
expect_err "failed: link small webp 1x: the source is a symbolic link; sources are read only from regular files"
expect_err "failed: zero small webp 1x: the source is a symbolic link; sources are read only from regular files"
expect_err "failed: pipe small webp 1x: the source is a FIFO, not a regular file"
expect_err "1 rendered, 0 up to date, 3 failed"
