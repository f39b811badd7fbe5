"""Import budget of the `aicr bundle` hot path: no PyYAML, msgspec, template engine or client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import aicr

FORBIDDEN = ("yaml", "msgspec", "jinja2", "lightkube", "kubernetes", "litestar", "httpx", "rich", "string")
FIXTURE_CATALOG = Path(__file__).resolve().parent.parent.parent / "fixtures" / "bundle-catalog"

PROBE = """
import sys
from aicr.cli.main import main
code = main(["bundle", "-r", sys.argv[1], "-o", sys.argv[2], "--data", sys.argv[3]])
modules = sorted(sys.modules)
import json
sys.stdout.write("\\n" + json.dumps({"code": code, "modules": modules}))
"""


def test_bundle_hot_path_imports_no_heavy_module(tmp_path: Path) -> None:
    catalog = aicr.load_catalog(root=str(FIXTURE_CATALOG))
    recipe = tmp_path / "r.yaml"
    recipe.write_text(catalog.resolve(aicr.Criteria(service="eks", intent="training")).to_yaml())
    cmd = [sys.executable, "-c", PROBE, str(recipe), str(tmp_path / "out"), str(FIXTURE_CATALOG)]
    subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)  # warm the catalog cache
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    data = json.loads(proc.stdout.rsplit("\n", 1)[-1])
    assert data["code"] == 0, proc.stderr
    modules = {m.split(".")[0] for m in data["modules"]}
    assert not modules & set(FORBIDDEN), sorted(modules & set(FORBIDDEN))
    assert "argparse" not in modules and "re" not in modules
