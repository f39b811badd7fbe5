#!/usr/bin/env bash
# Build the three images (agent, validators, aicrd) from build/image-context (images/context.sh).
# Usage: images/build.sh   — settings from the environment, with these defaults:
#   BASE=localhost/aicr-base:bookworm  IMAGE_REGISTRY=localhost  IMAGE_TAG=v<version>
#   PODMAN=podman  IMAGES="agent validators aicrd"
# Tags: $IMAGE_REGISTRY/aicr-agent:$IMAGE_TAG, $IMAGE_REGISTRY/aicrd:$IMAGE_TAG and
# $IMAGE_REGISTRY/aicr-validators:$IMAGE_TAG, the latter also as .../aicr-validators/{deployment,
# performance,conformance}:$IMAGE_TAG (the catalog's per-phase names, so
# AICR_VALIDATOR_IMAGE_REGISTRY=$IMAGE_REGISTRY points `aicr validate` at them). Layers are
# cached by podman: a rebuild of an unchanged wheel takes seconds; untagged images older than a
# day are pruned. Prints "reference seconds" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
podman="${PODMAN:-podman}"
base="${BASE:-localhost/aicr-base:bookworm}"
registry="${IMAGE_REGISTRY:-localhost}"
ctx=build/image-context
wheels=("$ctx"/aicr/aicr-*.whl)
[ -f "${wheels[0]}" ] || { echo "no wheel in $ctx/aicr: run images/context.sh first" >&2; exit 1; }
version="${wheels[0]##*/aicr-}"
version="${version%%-*}"
tag="${IMAGE_TAG:-v$version}"
commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
list=build/images.txt  # "name reference" per image built, read by images/release-artifacts.sh
: > "$list"
for name in ${IMAGES:-agent validators aicrd}; do
  case "$name" in
    agent) ref="$registry/aicr-agent:$tag" ;;
    validators) ref="$registry/aicr-validators:$tag" ;;
    aicrd) ref="$registry/aicrd:$tag" ;;
    *) echo "unknown image $name (agent, validators, aicrd)" >&2; exit 2 ;;
  esac
  start=$SECONDS
  "$podman" build --quiet --layers --build-arg "BASE=$base" \
    --label "org.opencontainers.image.revision=$commit" \
    --label "org.opencontainers.image.version=$tag" \
    -f "Dockerfile.$name" -t "$ref" "$ctx" >/dev/null
  if [ "$name" = validators ]; then
    for phase in deployment performance conformance; do
      "$podman" tag "$ref" "$registry/aicr-validators/$phase:$tag"
    done
  fi
  echo "$name $ref" >> "$list"
  echo "$ref $((SECONDS - start))"
done
# Each commit leaves untagged build stages behind; keep a day's worth as layer cache.
"$podman" image prune --force --filter until=24h >/dev/null 2>&1 || true
