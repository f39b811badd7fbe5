"""Hostile inputs through the CLI end with exit 2 (or 3) and a message naming the input and the
limit: alias bombs, endless files, deep nesting, huge or malformed numbers, binary files and a
`valuesFile` escaping the catalog. Never exit 8, nothing written, and each run bounded (the
subprocess timeout is a guard against a hang, not a timing assertion). docs/hostile-inputs.md
holds the before/after table of these cases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

AICR = shutil.which("aicr", path=os.path.dirname(sys.executable)) or "aicr"
CATALOG = Path(__file__).resolve().parents[2] / "src" / "aicr" / "catalog" / "data"
QUERY = ["--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu"]
HUGE = "9" * 5000
GUARD_S = 30


@dataclass(frozen=True)
class Case:
    """One hostile CLI invocation: `{d}` in args is the fixture directory."""

    name: str
    args: tuple[str, ...]
    code: int
    says: tuple[str, ...]


def _laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


OVERLAY = """kind: RecipeMetadata
apiVersion: aicr.nvidia.com/v1alpha1
metadata:
  name: escape
spec:
  base: aks-training
  criteria: {service: aks, accelerator: a100, intent: training, os: ubuntu, platform: kubeflow}
  componentRefs:
    - name: gpu-operator
      valuesFile: ../../../../etc/passwd
"""


def _data_dir(root: Path, name: str, overlay: str) -> None:
    (root / name / "overlays").mkdir(parents=True)
    shutil.copy(CATALOG / "registry.yaml", root / name / "registry.yaml")
    (root / name / "overlays" / "x.yaml").write_text(overlay)


def write_fixtures(d: Path) -> None:
    """The hostile files the cases name (also used to regenerate docs/hostile-inputs.md)."""
    laughs = _laughs()
    assert len(laughs.encode()) < 800
    (d / "laughs.yaml").write_text(laughs)
    (d / "deep.yaml").write_text("".join(" " * i + "a:\n" for i in range(3000)) + " " * 3000 + "b: 1\n")
    (d / "deep.json").write_text('{"a": ' * 200_000 + "1" + "}" * 200_000)
    (d / "bigint.yaml").write_text(f"kind: RecipeCriteria\nspec:\n  service: eks\n  nodes: {HUGE}\n")
    (d / "binary.bin").write_bytes(bytes(range(256)) * 4)
    snapshot = (
        "kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\nmeasurements:\n- type: OS\n  subtypes:\n"
    )
    (d / "snap-unknown.yaml").write_text(
        snapshot + "  - subtype: release\n    data: {ID: ubuntu}\n    extra: 1\n"
    )
    (d / "snap-nested.yaml").write_text(snapshot + "  - subtype: release\n    data: {ID: [ubuntu]}\n")
    _data_dir(d, "laughs-data", laughs)
    _data_dir(d, "escape-data", OVERLAY)


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    write_fixtures(d)
    proc = run(("recipe", *QUERY, "-o", str(d / "r.yaml")), d)
    assert proc.returncode == 0, proc.stderr  # the embedded catalog must resolve this query
    write_escaping_recipe(d)
    return d


def write_escaping_recipe(d: Path) -> None:
    """r.yaml with its first valuesFile pointing outside the catalog."""
    text = (d / "r.yaml").read_text()
    start = text.index("valuesFile: ")
    end = text.index("\n", start)
    (d / "r-escape.yaml").write_text(text[:start] + "valuesFile: ../../../../etc/passwd" + text[end:])


def run(args: tuple[str, ...], d: Path) -> subprocess.CompletedProcess[str]:
    argv = [AICR, *(a.replace("{d}", str(d)) for a in args)]
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=GUARD_S, check=False)


def bundle(*extra: str) -> tuple[str, ...]:
    return ("bundle", "-r", "{d}/r.yaml", "-o", "{d}/out", *extra)


ALIAS = ("aliases expand", "limit of 100000 nodes")
CASES = [
    Case("billion laughs as -c", ("recipe", "-c", "{d}/laughs.yaml", "-o", "{d}/out"), 2, ("laughs.yaml", *ALIAS)),
    Case("billion laughs as -s", ("recipe", "-s", "{d}/laughs.yaml", "-o", "{d}/out"), 2, ("laughs.yaml", *ALIAS)),
    Case("billion laughs as -r", ("bundle", "-r", "{d}/laughs.yaml", "-o", "{d}/out"), 2, ("laughs.yaml", *ALIAS)),
    Case("billion laughs as --set-file", bundle("--set-file", "gpu-operator:driver={d}/laughs.yaml"), 2,
         ("laughs.yaml", *ALIAS)),
    Case("billion laughs in --data", ("recipe", *QUERY, "--data", "{d}/laughs-data", "-o", "{d}/out"), 2,
         ("x.yaml", *ALIAS)),
    Case("/dev/zero as -c", ("recipe", "-c", "/dev/zero", "-o", "{d}/out"), 2, ("/dev/zero", "limit of 16777216 bytes")),
    Case("/dev/zero as -r", ("bundle", "-r", "/dev/zero", "-o", "{d}/out"), 2, ("/dev/zero", "limit of 16777216 bytes")),
    Case("/dev/zero as --set-file", bundle("--set-file", "gpu-operator:driver=/dev/zero"), 2,
         ("/dev/zero", "limit of 16777216 bytes")),
    Case("3,000-level YAML as -c", ("recipe", "-c", "{d}/deep.yaml", "-o", "{d}/out"), 2,
         ("deep.yaml", "limit of 200 levels")),
    Case("200k-deep JSON as -c", ("recipe", "-c", "{d}/deep.json", "-o", "{d}/out"), 2,
         ("deep.json", "limit of 200 levels")),
    Case("900-level --set path", bundle("--set", "gpu-operator:" + ".".join(["a"] * 900) + "=1"), 2,
         ("override path 'gpu-operator:a.a", "limit of 200 segments")),
    Case("900-level --dynamic path", bundle("--dynamic", "gpu-operator:" + ".".join(["a"] * 900)), 2,
         ("--dynamic path 'gpu-operator:a.a", "limit of 200 segments")),
    Case("5,000-digit --nodes (recipe)", ("recipe", *QUERY, "--nodes", HUGE, "-o", "{d}/out"), 2,
         ("invalid nodes value", "over 1000000")),
    Case("5,000-digit --nodes (bundle)", bundle("--nodes", HUGE), 2, ("--nodes", "limit of 1000000")),
    Case("5,000-digit --set value", bundle("--set", f"gpu-operator:x={HUGE}"), 2, ("--set value", "limit of 4000 digits")),
    Case("5,000-digit criteria nodes", ("recipe", "-c", "{d}/bigint.yaml", "-o", "{d}/out"), 2,
         ("bigint.yaml", "limit of 4000 digits")),
    Case("--nodes 1.5 (recipe)", ("recipe", *QUERY, "--nodes", "1.5", "-o", "{d}/out"), 2, ("invalid nodes value: 1.5",)),
    Case("--nodes 1.5 (bundle)", bundle("--nodes", "1.5"), 2, ('invalid value "1.5" for --nodes',)),
    Case("--nodes ³ (recipe)", ("recipe", *QUERY, "--nodes", "³", "-o", "{d}/out"), 2, ("invalid nodes value: ³",)),
    Case("--nodes ³ (bundle)", bundle("--nodes", "³"), 2, ('invalid value "³" for --nodes',)),
    Case("--nodes 1e400 (recipe)", ("recipe", *QUERY, "--nodes", "1e400", "-o", "{d}/out"), 2,
         ("invalid nodes value: 1e400",)),
    Case("binary --set-file", bundle("--set-file", "gpu-operator:driver={d}/binary.bin"), 2,
         ("binary.bin", "not UTF-8")),
    Case("snapshot with an unknown field as -s", ("recipe", "-s", "{d}/snap-unknown.yaml", "-o", "{d}/out"), 2,
         ("snap-unknown.yaml", "measurements[0].subtypes[0].extra: unknown field")),
    Case("snapshot with a non-scalar reading as -s", ("recipe", "-s", "{d}/snap-nested.yaml", "-o", "{d}/out"), 2,
         ("snap-nested.yaml", "data.ID: reading must be a scalar")),
    Case("snapshot with an unknown field (validate -s)",
         ("validate", "-r", "{d}/r.yaml", "-s", "{d}/snap-unknown.yaml", "-o", "{d}/out"), 2,
         ("snap-unknown.yaml", "unknown field")),
    Case("valuesFile escaping the catalog (-r recipe)", ("bundle", "-r", "{d}/r-escape.yaml", "-o", "{d}/out"), 3,
         ("../../../../etc/passwd", "not a file of the catalog")),
    Case("valuesFile escaping the catalog (--data)",
         ("recipe", "--service", "aks", "--accelerator", "a100", "--intent", "training", "--os", "ubuntu",
          "--platform", "kubeflow", "--data", "{d}/escape-data", "-o", "{d}/out"), 3,
         ("../../../../etc/passwd", "not a file of the catalog")),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_refused_with_a_named_limit(case: Case, fixtures: Path) -> None:
    shutil.rmtree(fixtures / "out", ignore_errors=True)
    proc = run(case.args, fixtures)
    assert proc.returncode == case.code, proc.stderr[-2000:]
    for text in case.says:
        assert text in proc.stderr, (text, proc.stderr[-2000:])
    assert proc.stdout == ""
    assert not (fixtures / "out").exists()
