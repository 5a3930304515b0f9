#!/usr/bin/env bash
# The bundled example is valid, and a missing source is reported by validate with its position.
source "$(dirname "$0")/lib.sh"
run_prerender validate "$PRERENDER_SOURCE_DIR/examples/site.yaml"
expect_status 0
expect_out "valid: 4 assets"
expect_out "40 renditions"

mkdir -p "$WORK/site"
cat >"$WORK/site/site.yaml" <<'YAML'
version: 1
presets: { p: { format: webp } }
assets:
  - { id: gone, source: missing.jpg, presets: [p] }
YAML
run_prerender validate "$WORK/site/site.yaml"
expect_status 2
expect_err "site.yaml:4:5: asset 'gone': source '"
expect_err "missing.jpg' does not exist"
