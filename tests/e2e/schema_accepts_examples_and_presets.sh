#!/usr/bin/env bash
# docs/manifest.schema.json accepts every bundled manifest and preset library, and rejects a misspelt key.
source "$(dirname "$0")/lib.sh"
"$PYTHON" -c "import jsonschema, yaml" 2>/dev/null || skip "python3-jsonschema and python3-yaml are needed"
"$PYTHON" - "$PRERENDER_SOURCE_DIR" "$FIXTURES/manifests/three-mistakes.yaml" <<'PY'
import glob, json, sys, yaml, jsonschema
root, bad = sys.argv[1], sys.argv[2]
schema = json.load(open(f"{root}/docs/manifest.schema.json"))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
files = sorted(glob.glob(f"{root}/examples/*.yaml") + glob.glob(f"{root}/presets/*.yaml"))
assert len(files) >= 4, files
for path in files:
    errors = list(validator.iter_errors(yaml.safe_load(open(path))))
    assert not errors, f"{path}: {errors[0].message}"
errors = list(validator.iter_errors(yaml.safe_load(open(bad))))
assert any("widht" in e.message for e in errors), [e.message for e in errors]
print(f"{len(files)} files valid")
PY
