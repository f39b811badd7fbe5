"""Import budget of the `aicr recipe` hot path (DESIGN.md): no heavy modules, and with a warm
catalog cache not even PyYAML or msgspec."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


# Modules that the argparse-free paths below must not load: the parser and what it pulls in,
# `re`/`enum` (json, argparse), json itself, PyYAML, msgspec and the signing stack.
LEAN = {"argparse", "re", "enum", "json", "yaml", "msgspec", "typing", "contextlib", "hashlib", "importlib"}

LIST_PROBE = """
import sys
from aicr.cli.main import main
code = main(sys.argv[1:])
sys.stdout.write("\\n@@modules@@\\n" + str(code) + "\\n" + "\\n".join(sorted(sys.modules)))
"""


SNAPSHOT = (
    Path(__file__).resolve().parents[2] / "fixtures" / "snapshot" / "eks-h100-ubuntu.yaml"
).read_text()


def _loaded(probe: str, *argv: str) -> tuple[int, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=60, check=False
    )
    code, *modules = proc.stdout.split("\n@@modules@@\n", 1)[1].split("\n")
    return int(code), {m.split(".")[0] for m in modules} | set(modules)


def _run_modules(*argv: str) -> tuple[int, set[str]]:
    """(exit code, modules and top-level packages) that `aicr ARGV` loads in a fresh process,
    beyond what the interpreter's start-up (site, .pth files) loaded already."""
    _, startup = _loaded('import sys; sys.stdout.write("\\n@@modules@@\\n0\\n" + "\\n".join(sys.modules))')
    code, modules = _loaded(LIST_PROBE, *argv)
    return code, modules - startup


def _recipe_and_snapshot(tmp_path: object) -> tuple[str, str]:
    recipe, snapshot = f"{tmp_path}/r.yaml", f"{tmp_path}/s.yaml"
    criteria = ("--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu")
    code, _ = _run_modules("recipe", *criteria, "-o", recipe)
    assert code == 0
    with open(snapshot, "w", encoding="utf-8") as fh:
        fh.write(SNAPSHOT)
    return recipe, snapshot


def test_validate_no_cluster_loads_no_parser_regex_or_json(tmp_path: object) -> None:
    recipe, snapshot = _recipe_and_snapshot(tmp_path)
    argv = ("validate", "-r", recipe, "-s", snapshot, "--no-cluster", "-o", f"{tmp_path}/out.ctrf")
    code, modules = _run_modules(*argv)
    assert code == 0
    assert not modules & LEAN, sorted(modules & LEAN)
    assert not {"aicr.snapshot.agent_spec", "aicr.validate.cncf", "aicr.k8s.client"} & modules


def test_verify_of_an_unsigned_bundle_loads_no_parser_or_signing_stack(tmp_path: object) -> None:
    recipe, _ = _recipe_and_snapshot(tmp_path)
    code, _ = _run_modules("bundle", "-r", recipe, "-o", f"{tmp_path}/bundle")
    assert code == 0
    code, modules = _run_modules("verify", f"{tmp_path}/bundle")
    assert code == 0
    assert not modules & LEAN, sorted(modules & LEAN)
    assert "aicr.bundle.signing" not in modules


def test_query_loads_no_parser_regex_or_json(tmp_path: object) -> None:
    _recipe_and_snapshot(tmp_path)  # warms the compiled-catalog cache
    criteria = ("--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu")
    code, modules = _run_modules("query", *criteria, "--selector", "components.gpu-operator.version")
    assert code == 0
    assert not modules & LEAN, sorted(modules & LEAN)


# Shared libraries and codecs these paths do not need: each is a dlopen or one more module
# (0.25-0.8 ms here). The catalog cache is named without a hashlib digest, YAML floats are
# checked without `math`, the umask is read as bytes.
NOT_LOADED = {"_blake2", "math", "encodings.ascii", "hashlib"}


def test_warm_cli_paths_load_no_hash_math_or_extra_codec(tmp_path: object) -> None:
    recipe, snapshot = _recipe_and_snapshot(tmp_path)
    criteria = ("--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu")
    runs = [
        ("recipe", *criteria, "-o", f"{tmp_path}/r2.yaml"),
        ("query", *criteria, "--selector", "components.gpu-operator.values.driver.version"),
        ("validate", "-r", recipe, "-s", snapshot, "--no-cluster", "-o", f"{tmp_path}/out.ctrf"),
        ("bundle", "-r", recipe, "-o", f"{tmp_path}/bundle"),
        ("bundle", "-r", recipe, "-o", f"{tmp_path}/bundle"),  # into an existing tree
    ]
    for argv in runs:
        code, modules = _run_modules(*argv)
        assert code == 0, argv
        assert not modules & NOT_LOADED, (argv[0], sorted(modules & NOT_LOADED))
