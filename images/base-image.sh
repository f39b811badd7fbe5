#!/usr/bin/env bash
# Build the local base image (Debian bookworm + python3) with mmdebstrap and import it into podman.
# Usage: images/base-image.sh [TAG]   (default localhost/aicr-base:bookworm; root, podman, mmdebstrap)
# The packages come from this machine's own apt sources (/etc/apt/sources.list{,.d}): no mirror is
# named here, so the same script works behind a proxy or with an internal mirror. Skips the build
# when the tag exists unless FORCE=1. Docs, man pages and locales are left out; apt is not
# installed (the images never run apt); SOURCE_DATE_EPOCH makes the tarball reproducible.
set -euo pipefail
tag="${1:-localhost/aicr-base:bookworm}"
if [ "${FORCE:-0}" != "1" ] && podman image exists "$tag"; then
  echo "base image $tag exists (FORCE=1 to rebuild)" >&2
  exit 0
fi
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -s "$f" ] && grep -qv '^\s*\(#\|$\)' "$f" && sources+=("$f")
done
if [ "${#sources[@]}" -eq 0 ]; then
  echo "no apt sources found under /etc/apt: cannot build $tag" >&2
  exit 1
fi
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2016  # the hooks expand $1 inside mmdebstrap, not here
mmdebstrap --quiet --variant=essential --include=python3,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='rm -f "$1"/etc/resolv.conf "$1"/etc/hostname' \
  --customize-hook='rm -rf "$1"/var/cache/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
  bookworm "$tmp/rootfs.tar" "${sources[@]}"
podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["python3"]' \
  "$tmp/rootfs.tar" "$tag" >/dev/null
echo "built $tag" >&2
