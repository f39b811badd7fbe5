"""Every code example in README.md and docs/*.md runs (see tests/docs/README.md for the rules)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.docs.examples import FILE_BLOCK, Example, examples, shell_script
from tests.support.fixture_host import fake_nvidia_smi, host_tree
from tests.support.kube_emulator import KubeEmulator, make_nodes
from tests.support.kube_jobs import job_controller
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [e for page in PAGES for e in examples(page)]
BIN = Path(sys.executable).parent
TIMEOUT = 180
# What the snapshot agent "measures" on the emulated EKS cluster: enough for the embedded
# catalog's EKS H100 readiness constraints.
AGENT_SNAPSHOT = """\
kind: Snapshot
apiVersion: aicr.nvidia.com/v1alpha1
metadata: {source-node: node-00000, timestamp: "2026-01-01T00:00:00Z", version: 0.1.0}
measurements:
  - type: GPU
    subtypes:
      - subtype: smi
        data: {driver: 580.95.05, gpu-count: 8, gpu.model: NVIDIA H100 80GB HBM3}
  - type: K8s
    subtypes:
      - subtype: server
        data: {version: v1.33.5-eks-3025e55}
  - type: OS
    subtypes:
      - subtype: release
        data: {ID: ubuntu, VERSION_ID: "24.04"}
      - subtype: sysctl
        data: {/proc/sys/kernel/osrelease: 6.8.0-1021-aws}
"""


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An emulated EKS cluster whose Job controller completes snapshot agent Jobs."""
    with KubeEmulator() as kube:
        kube.call(lambda emu: emu.version_info.update(gitVersion="v1.33.5-eks-3025e55"))
        kube.add("v1/nodes", *make_nodes(4))
        kube.call(lambda emu: emu.on_create.__setitem__("jobs", job_controller(snapshot=AGENT_SNAPSHOT)))
        kube.add("v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "aicr"}})
        kube.add(
            "v1/configmaps",
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "snapshot", "namespace": "aicr"},
                "data": {"snapshot.yaml": AGENT_SNAPSHOT},
            },
        )
        yield kube.write_kubeconfig(tmp_path_factory.mktemp("kube") / "kubeconfig")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """An aicrd on a free loopback port (the console examples' `$B`)."""
    port = _free_port()
    env = dict(os.environ, PORT=str(port), AICR_SERVER_ADDRESS="127.0.0.1")
    proc = subprocess.Popen(
        [str(BIN / "aicrd")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _ready(url), "aicrd ready", timeout=60)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _ready(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/ready", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _keys(work: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (work / "release.key").write_bytes(private)
    (work / "release.pem").write_bytes(public)
    (work / "keys").mkdir()
    (work / "keys" / "release.pem").write_bytes(public)


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


_PAGES: dict[Path, tuple[Path, dict[str, str]]] = {}


@pytest.fixture
def page(
    request: pytest.FixtureRequest, cluster: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """The page's directory and environment, made on its first example and kept for the rest."""
    example: Example = request.param
    if example.path in _PAGES:
        return _PAGES[example.path]
    work = tmp_path_factory.mktemp(example.path.stem)
    (work / "home").mkdir()
    fake = fake_nvidia_smi(work / ".bin")
    env = dict(
        os.environ,
        HOME=str(work / "home"),
        KUBECONFIG=str(cluster),
        AICR_HOST_ROOT=str(host_tree(work / ".host")),
        AICR_CACHE_DIR=str(work / ".cache"),
        NODE_NAME="node-00000",
        PATH=os.pathsep.join([str(fake), str(BIN), os.environ.get("PATH", "")]),
    )
    env.pop("AICR_DEBUG", None)
    _keys(work)
    criteria = [
        "--service",
        "eks",
        "--accelerator",
        "h100",
        "--intent",
        "training",
        "--os",
        "ubuntu",
        "--platform",
        "kubeflow",
    ]
    for argv in (
        ["aicr", "recipe", *criteria, "-o", "recipe.yaml", "--quiet"],
        ["aicr", "snapshot", "--local", "-o", "snapshot.yaml"],
    ):
        done = _run(argv, env, work)
        assert done.returncode == 0, done.stderr
    shutil.copy(work / "snapshot.yaml", work / "before.yaml")
    shutil.copy(work / "snapshot.yaml", work / "after.yaml")
    shutil.copy(work / "recipe.yaml", work / "old-recipe.yaml")
    shutil.copy(work / "recipe.yaml", work / "new-recipe.yaml")
    shutil.copy(work / "recipe.yaml", work / "deployed-recipe.yaml")
    (work / "aicr-config.yaml").write_text(
        "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  recipe:\n"
        "    criteria: {service: eks, accelerator: h100, intent: training, os: ubuntu}\n"
    )
    (work / "criteria.yaml").write_text(
        "kind: RecipeCriteria\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata: {name: my-cluster}\n"
        "spec: {service: eks, accelerator: h100, intent: training, os: ubuntu}\n"
    )
    _PAGES[example.path] = (work, env)
    return work, env


def _command(example: Example, work: Path, env: dict[str, str], request: pytest.FixtureRequest) -> list[str]:
    if example.lang == "python":
        script = work / f".example-{example.line}.py"
        script.write_text(example.text)
        return [sys.executable, str(script)]
    if example.lang == "jinja":
        template = work / f".example-{example.line}.j2"
        template.write_text(example.text)
        return ["aicr", "snapshot", "--local", "--template", str(template)]
    text, _left_out = shell_script(example)
    if "$B" in text:
        env["B"] = request.getfixturevalue("server")
    return ["bash", "-c", text]


@pytest.mark.parametrize("page", EXAMPLES, ids=[e.where for e in EXAMPLES], indirect=True)
def test_doc_example_runs(page: tuple[Path, dict[str, str]], request: pytest.FixtureRequest) -> None:
    example: Example = request.node.callspec.params["page"]
    if example.not_run:
        pytest.skip(f"{example.where}: not run: {example.not_run} (stated on the page)")
    work, env = page
    if example.lang == "file":
        name = FILE_BLOCK.match(example.text.splitlines()[0])
        assert name is not None
        (work / name.group(1)).write_text(example.text)
        return
    done = _run(_command(example, work, env, request), env, work)
    assert done.returncode == 0, (
        f"{example.where}: the {example.lang} example exited {done.returncode}\n"
        f"--- stdout (tail)\n{done.stdout[-2000:]}\n--- stderr (tail)\n{done.stderr[-3000:]}"
    )
