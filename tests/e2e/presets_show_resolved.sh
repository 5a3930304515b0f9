#!/usr/bin/env bash
# presets shows presets after extends and defaults, as YAML or JSON; an unknown name is a usage error.
source "$(dirname "$0")/lib.sh"
manifest="$PRERENDER_SOURCE_DIR/examples/site.yaml"
run_prerender presets "$manifest" card --json
expect_status 0
"$PYTHON" - "$WORK/out" <<'PY'
import json, sys
card = json.load(open(sys.argv[1]))["card"]
assert card["resize"] == {"width": 400, "height": 225, "fit": "cover", "gravity": "focus", "enlarge": False}, card["resize"]
assert card["format"] == ["avif", "webp", "jpeg"], card["format"]
assert card["encode"]["avif"]["quality"] == 50 and card["encode"]["jpeg"]["chroma_subsampling"] == "4:2:0", card["encode"]
assert card["max_bytes"] == 30 * 1024
assert card["dpr"] == [1]
PY
run_prerender presets "$manifest"
expect_status 0
expect_out "og-image:"
expect_out "  resize:"
run_prerender presets "$manifest" heor
expect_status 2
expect_err "no preset 'heor'"
expect_err "(did you mean 'hero'?)"
