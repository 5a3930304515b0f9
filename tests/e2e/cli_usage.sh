#!/usr/bin/env bash
# Usage errors exit 2; --version names the renderer, libvips and the formats this build writes.
source "$(dirname "$0")/lib.sh"
run_prerender --version
expect_status 0
expect_out "prerender "
expect_out "libvips 8."
expect_out "jpeg"
run_prerender plan
expect_status 2
run_prerender plan x.yaml --no-such-option
expect_status 2
run_prerender frobnicate
expect_status 2
run_prerender
expect_status 2
expect_err "Exit codes:"
run_prerender validate --help
expect_status 0
expect_out "Example:"
run_prerender validate "$WORK/does-not-exist.yaml"
expect_status 2
expect_err "does-not-exist.yaml: the file does not exist"
