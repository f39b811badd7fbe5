"""Import budget of the `aicr recipe` hot path (DESIGN.md): no heavy modules, and with a warm
catalog cache not even PyYAML or msgspec."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("lightkube", "litestar", "uvicorn", "jinja2", "rich", "sigstore", "oras", "httpx", "kubernetes")
COLD_ONLY = ("yaml", "msgspec", "typing", "json")

PROBE = """
import json, sys
from aicr.cli.main import main
code = main(["recipe", "--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu",
             "-o", sys.argv[1]])
sys.stdout.write(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules(tmp_path: object) -> tuple[int, set[str]]:
    out = f"{tmp_path}/r.yaml"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, out], capture_output=True, text=True, timeout=60, check=False
    )
    data = json.loads(proc.stdout)
    return data["code"], {m.split(".")[0] for m in data["modules"]}


def test_recipe_imports_no_heavy_dependency(tmp_path: object) -> None:
    code, modules = _modules(tmp_path)
    assert code == 0
    assert not modules & set(FORBIDDEN), sorted(modules & set(FORBIDDEN))


def test_recipe_with_warm_cache_skips_yaml_and_msgspec(tmp_path: object) -> None:
    _modules(tmp_path)  # warm the compiled-catalog cache
    code, modules = _modules(tmp_path)
    assert code == 0
    # `json` is imported by the probe itself after main() returns, so only check the others.
    assert not modules & {"yaml", "msgspec", "typing"}, sorted(modules & {"yaml", "msgspec", "typing"})
