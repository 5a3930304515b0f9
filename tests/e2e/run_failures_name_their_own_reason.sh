#!/usr/bin/env bash
# Every failure names its own reason: broken sources of several formats, mixed with good ones (HEIF among
# them, whose loader leaves a "bad seek" line behind even when it succeeds), each fail in the mixed run,
# at --jobs 1 and at --jobs 2, with exactly the reason the same file gives in a run of its own. libvips
# keeps one error buffer for the whole process, so a reason read carelessly is another file's.
source "$(dirname "$0")/lib.sh"
bad=(corrupt-header.jpg truncated-10000b.jpg unsupported-lossless.jpg truncated-10000b.png broken-data-stream.png
     crc-mismatch.png truncated.gif invalid-multiframe.gif bomb-header-only.gif unsupported-ycbcr-subsampled.tif
     wide-16x17000.avif bomb-17000x17000.avif text-not-image.jpg html-error-page.jpg)
good=(landscape-1.jpg icc-adobergb.jpg gray-concert.jpg camera-exif-gps-xmp-icc.jpg p3-8x8.png webp-alpha.webp
      anim-loop3.gif avif-pitm-4096x800.avif)

# site DIR FILE...: a manifest rendering each file as an asset of its own, one JPEG rendition each. Files
# are copied without their extension (two fixtures differ only by it, and ids come from names).
site() {
  local dir=$1 f
  shift
  mkdir -p "$dir/images"
  for f in "$@"; do
    if [[ -e "$FIXTURES/images/bad/$f" ]]; then cp "$FIXTURES/images/bad/$f" "$dir/images/${f//./_}"; else cp "$FIXTURES/images/$f" "$dir/images/${f//./_}"; fi
  done
  cat >"$dir/site.yaml" <<'YAML'
version: 1
sources: { root: images/ }
output: { root: public/ }
presets:
  small: { resize: { width: 96 }, format: jpeg }
assets:
  - { source: "*", presets: [small] }
YAML
}

# Alone: one run per broken file.
declare -A alone
for f in "${bad[@]}"; do
  site "$WORK/alone-$f" "$f"
  run_prerender run "$WORK/alone-$f/site.yaml" --jobs 1
  expect_status 1
  alone[$f]=$("$PYTHON" -c 'import json,sys; [print(json.loads(l)["error"]) for l in open(sys.argv[1])]' "$WORK/alone-$f/public/renditions.jsonl")
  [[ -n "${alone[$f]}" ]] || fail "$f: no reason recorded alone"
  [[ "${alone[$f]}" != *"without a message"* ]] || fail "$f: libvips' reason lost even alone: ${alone[$f]}"
done
for f in "${bad[@]}"; do printf '%s\t%s\n' "$f" "${alone[$f]}"; done >"$WORK/alone.tsv"
cat "$WORK/alone.tsv" >&2  # each file's own reason, for the log of a failure

# Mixed, at one and at two workers.
site "$WORK/mixed" "${bad[@]}" "${good[@]}"
for jobs in 1 2; do
  run_prerender run "$WORK/mixed/site.yaml" --jobs "$jobs" --force
  expect_status 1
  "$PYTHON" - "$WORK/mixed/public/renditions.jsonl" "$WORK/alone.tsv" "$jobs" "${#good[@]}" <<'PY'
import json, re, sys
journal, alone_file, jobs, good = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
latest = {}
for line in open(journal):
    r = json.loads(line)
    latest[r["asset"]] = r
# A reason may name the source by its path, which differs between the runs: compared without the folder.
def unfold(reason):
    return re.sub(r"/\S*/images/", "<images>/", reason or "")
alone = dict(line.rstrip("\n").split("\t", 1) for line in open(alone_file))
wrong = []
for name, reason in alone.items():
    asset = name.replace(".", "_")
    r = latest[asset]
    if r["status"] != "failed" or unfold(r.get("error")) != unfold(reason):
        wrong.append(f"{name}: alone {reason!r}, with the others at --jobs {jobs} {r.get('error')!r}")
assert not wrong, "\n".join(wrong)
rendered = [r for r in latest.values() if r["status"] == "rendered"]
assert len(rendered) == good, [(r["asset"], r.get("error")) for r in latest.values() if r["asset"] not in {n.replace(".", "_") for n in alone}]
PY
done
check_outputs "$WORK/mixed/public"
