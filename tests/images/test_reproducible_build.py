"""Two builds from one commit give the same Python file set (names and bytes)."""

from __future__ import annotations

from tests.images.podman import BASE, ROOT, podman

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
