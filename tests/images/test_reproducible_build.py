"""Two builds from one commit give the same wheel bytes and the same Python file set in the image."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from tests.images.podman import BASE, ROOT, environment, podman

MANIFEST = (
    "cd /opt/aicr && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum"
    " && find . -type l -printf '%p -> %l\\n' | LC_ALL=C sort"
)


def test_a_cache_free_rebuild_installs_identical_files(images: dict[str, str]) -> None:
    base = podman("image", "inspect", "--format", "{{.Config.Labels}}", images["agent"]).stdout
    assert "aicr-agent" in base
    rebuilt = "localhost/aicr-agent-rebuild:check"
    podman(
        "build", "--quiet", "--no-cache", "--target", "build",
        "--build-arg", f"BASE={BASE}",
        "-f", str(ROOT / "Dockerfile.agent"), "-t", rebuilt, str(ROOT / "build" / "image-context"),
        timeout=600,
    )  # fmt: skip
    try:
        first = podman(
            "run", "--rm", "--network", "none", "--entrypoint", "sh", images["agent"], "-c", MANIFEST
        )
        second = podman("run", "--rm", "--network", "none", "--entrypoint", "sh", rebuilt, "-c", MANIFEST)
    finally:
        podman("rmi", rebuilt, check=False)
    assert first.stdout.count("\n") > 500
    assert first.stdout == second.stdout


def test_two_wheel_builds_of_one_commit_are_byte_identical(images: dict[str, str]) -> None:
    digests = []
    for _ in range(2):
        done = subprocess.run(
            [str(ROOT / "images" / "context.sh")],
            env={**environment(), "PYTHON": sys.executable},
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        digests.append(hashlib.sha256((ROOT / done.stdout.strip()).read_bytes()).hexdigest())
    assert digests[0] == digests[1]
