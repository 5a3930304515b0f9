#!/usr/bin/env bash
# A "billion laughs" manifest is refused from the alias count, without expanding it.
source "$(dirname "$0")/lib.sh"
start=$(date +%s%N)
run_prerender validate "$FIXTURES/manifests/billion-laughs.yaml"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_status 2
expect_err "billion-laughs.yaml:"
expect_err "expands to more than"
echo "refused in ${elapsed_ms} ms"
