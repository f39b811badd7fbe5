#!/usr/bin/env bash
# Write SBOMs and provenance for the wheel and each image into dist/ (run by `make release-artifacts`
# after `make images`). Settings: PYTHON (any python3.11 with venv), CYCLONEDX_PY (the cyclonedx-py
# of the tool venv; made by images/tools-venv.sh when unset), PODMAN, BASE.
#   dist/aicr-<v>-py3-none-any.whl                  the wheel the images were built from
#   dist/aicr-<v>-py3-none-any.whl.cdx.json         CycloneDX SBOM of its dependency set ([server])
#   dist/aicr-<v>-py3-none-any.whl.intoto.json      in-toto/SLSA provenance (digest of the wheel)
#   dist/images/<image>.cdx.json                    CycloneDX SBOM of the image's Python environment
#   dist/images/<image>.intoto.json                 provenance (the image's manifest digest)
#   dist/SHA256SUMS                                 digests of all of the above
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-python3}"
podman="${PODMAN:-podman}"
base="${BASE:-localhost/aicr-base:bookworm}"
cdx="${CYCLONEDX_PY:-$(images/tools-venv.sh)}"
ctx=build/image-context
SOURCE_DATE_EPOCH="$(git log -1 --format=%ct 2>/dev/null || echo 315532800)"
export SOURCE_DATE_EPOCH
wheels=("$ctx"/aicr/aicr-*.whl)
if [ ! -f "${wheels[0]}" ] || [ ! -s build/images.txt ]; then echo "run make images first" >&2; exit 1; fi
wheel="dist/${wheels[0]##*/}"
cmp -s "${wheels[0]}" "$wheel" || cp "${wheels[0]}" "$wheel"
pip_whl=("$ctx"/deps/pip-*.whl)
sha() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
materials=()
for dep in "$ctx"/deps/*.whl; do materials+=(--material "${dep##*/}=$(sha "$dep")"); done
rm -rf build/sbom dist/images && mkdir -p build/sbom dist/images

# The wheel: its dependency set installed (offline, from the same wheels) into a scratch venv.
"$py" -m venv --without-pip build/sbom/wheel
build/sbom/wheel/bin/python "${pip_whl[0]}/pip" install -qq --no-index --no-compile \
  --disable-pip-version-check --find-links "$ctx/aicr" --find-links "$ctx/deps" "aicr[server]"
"$cdx" environment --output-reproducible --gather-license-texts --mc-type library --pyproject pyproject.toml \
  -o "$wheel.cdx.json" build/sbom/wheel
"$py" images/provenance.py --build-type wheel --subject "${wheel##*/}=$(sha "$wheel")" \
  "${materials[@]}" --param "target=wheel" -o "$wheel.intoto.json"

# Each image: its venv copied out and read by cyclonedx-py; the subject is the manifest digest.
base_digest="$("$podman" image inspect --format '{{.Digest}}' "$base")"
while read -r name ref; do
  venv=/opt/aicr; [ "$name" = aicrd ] && venv=/opt/aicrd
  image="${ref##*/}"; image="${image%%:*}"
  # A tar stream, not `podman cp`: podman 4.3's cp out of a created container replaced the
  # host's /dev/null with a regular file here.
  mkdir -p "build/sbom/$name"
  "$podman" run --rm --network none --user 0 --entrypoint tar "$ref" -C "$venv" -cf - . \
    | tar -xf - -C "build/sbom/$name"
  "$cdx" environment --output-reproducible --gather-license-texts -o "dist/images/$image.cdx.json" "build/sbom/$name"
  digest="$("$podman" image inspect --format '{{.Digest}}' "$ref")"
  "$py" images/provenance.py --build-type image --subject "$ref=$digest" \
    --material "$base=$base_digest" --material "Dockerfile.$name=$(sha "Dockerfile.$name")" \
    --material "${wheel##*/}=$(sha "$wheel")" "${materials[@]}" \
    --param "dockerfile=Dockerfile.$name" --param "BASE=$base" -o "dist/images/$image.intoto.json"
done < build/images.txt
(cd dist && sha256sum "${wheel##*/}"* images/* > SHA256SUMS)
echo "release artifacts in dist/: $(cd dist && find . -type f | wc -l) files" >&2
