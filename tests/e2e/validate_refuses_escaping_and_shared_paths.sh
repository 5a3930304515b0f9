#!/usr/bin/env bash
# Asset ids that escape the output root and two renditions on one path are validation errors.
source "$(dirname "$0")/lib.sh"
run_prerender validate "$FIXTURES/manifests/escaping-paths.yaml"
expect_status 2
expect_err "asset id '../../etc/cron.d/x' cannot name output files: it has a '..' segment"
expect_err "two renditions write 'shared.jpg': asset 'shared' preset 'a' jpeg and asset 'shared' preset 'b' jpeg"
# plan refuses the same manifest: nothing is planned from an invalid manifest.
run_prerender plan "$FIXTURES/manifests/escaping-paths.yaml"
expect_status 2
