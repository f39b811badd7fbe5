"""What the three images contain: non-root users, no build tools or caches, the commit, the wheel."""

from __future__ import annotations

import json

import pytest
from tests.images.podman import head_commit, podman

VENV = {"agent": "/opt/aicr", "validators": "/opt/aicr", "aicrd": "/opt/aicrd"}


@pytest.mark.parametrize("name", ["agent", "validators", "aicrd"])
def test_image_runs_as_a_non_root_user(images: dict[str, str], name: str) -> None:
    config = json.loads(podman("image", "inspect", images[name]).stdout)[0]["Config"]
    user = config["User"].split(":")[0]
    assert user not in ("", "0", "root")
    uid = podman("run", "--rm", "--network", "none", "--entrypoint", "id", images[name], "-u").stdout
    assert uid.strip() == user


@pytest.mark.parametrize("name", ["agent", "validators", "aicrd"])
def test_image_has_no_build_tools_wheels_or_caches(images: dict[str, str], name: str) -> None:
    venv = VENV[name]
    script = (
        f"ls {venv}/bin; ls -d /wheels /root/.cache /tmp/* {venv}/lib/python3.11/site-packages/pip "
        "/usr/bin/gcc /usr/bin/cc /usr/bin/make /usr/bin/apt-get /var/lib/apt/lists/*.* 2>/dev/null; true"
    )
    listing = podman(
        "run", "--rm", "--network", "none", "--entrypoint", "sh", images[name], "-c", script
    ).stdout
    found = set(listing.split())
    assert not {"pip", "pip3", "Activate.ps1", "activate"} & found
    assert [path for path in found if path.startswith("/")] == []


@pytest.mark.parametrize("name", ["agent", "validators", "aicrd"])
def test_installed_aicr_names_the_checkout_commit(images: dict[str, str], name: str) -> None:
    python = f"{VENV[name]}/bin/python"
    code = "from aicr.version import version_line; print(version_line())"
    line = podman("run", "--rm", "--network", "none", "--entrypoint", python, images[name], "-c", code).stdout
    assert f"(commit: {head_commit()}," in line


def test_agent_version_flag_names_the_commit(images: dict[str, str]) -> None:
    line = podman("run", "--rm", "--network", "none", images["agent"], "--version").stdout
    assert line.startswith("aicr version 0.1.0 (commit: " + head_commit())


def test_images_hold_the_installed_wheel_not_the_source_tree(images: dict[str, str]) -> None:
    script = "ls /src /opt/aicr/pyproject.toml 2>&1; cat /opt/aicr/lib/python3.11/site-packages/aicr-*.dist-info/INSTALLER"
    out = podman(
        "run", "--rm", "--network", "none", "--entrypoint", "sh", images["agent"], "-c", script
    ).stdout
    assert "No such file" in out and out.strip().endswith("pip")
