#!/usr/bin/env bash
# A manifest with a misspelt key, a wrong type and an unknown preset gets all three, then exit 2.
source "$(dirname "$0")/lib.sh"
run_prerender validate "$FIXTURES/manifests/three-mistakes.yaml"
expect_status 2
expect_err "three-mistakes.yaml:4:15: unknown key 'widht' in 'resize' of preset 'hero' (did you mean 'width'?)"
expect_err "three-mistakes.yaml:6:14: 'quality' in preset 'hero' must be a whole number from 1 to 100, not 'high'"
expect_err "three-mistakes.yaml:10:21: unknown preset 'heor' (did you mean 'hero'?)"
expect_err "3 problems in"
[[ ! -s "$WORK/out" ]] || fail "validate printed to stdout on failure"
