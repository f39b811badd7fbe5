#!/usr/bin/env python3
"""Write an in-toto v1 Statement with a SLSA v1 provenance predicate for one built artifact.

Standalone script (stdlib only, no aicr import) run by images/release-artifacts.sh:

    provenance.py --subject NAME=sha256:HEX [--subject ...] --build-type wheel|image \\
        --material URI=sha256:HEX ... [--param KEY=VALUE ...] -o FILE

The source commit and its remote come from git; the builder is this checkout's `make
release-artifacts` on this host. Output is byte-deterministic (sorted keys, no timestamps).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_TYPE = "https://github.com/NVIDIA/aicr-python/images/release-artifacts/{kind}@v1"
BUILDER_ID = "https://github.com/NVIDIA/aicr-python/Makefile#release-artifacts"


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def _digest(text: str, flag: str) -> tuple[str, dict[str, str]]:
    name, sep, digest = text.rpartition("=")
    algorithm, colon, value = digest.partition(":")
    if not sep or not name or not colon or algorithm != "sha256" or len(value) != 64:
        raise SystemExit(f"{flag} {text!r}: expected NAME=sha256:<64 hex digits>")
    return name, {"sha256": value.lower()}


def source() -> dict[str, object]:
    """The source material: the checkout's commit (and whether the tree had local changes)."""
    commit = _git("rev-parse", "HEAD") or "unknown"
    remote = _git("config", "--get", "remote.origin.url") or str(ROOT)
    return {
        "uri": f"git+{remote}@{commit}",
        "digest": {"gitCommit": commit},
        "annotations": {"dirty": bool(_git("status", "--porcelain", "--untracked-files=no"))},
    }


def statement(args: argparse.Namespace) -> dict[str, object]:
    subjects = [dict(zip(("name", "digest"), _digest(s, "--subject"), strict=True)) for s in args.subject]
    materials = [source()]
    for text in args.material:
        uri, digest = _digest(text, "--material")
        materials.append({"uri": uri, "digest": digest})
    params = dict(p.split("=", 1) for p in args.param)
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects,
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE.format(kind=args.build_type),
                "externalParameters": params,
                "internalParameters": {"host": f"{platform.system()}-{platform.machine()}"},
                "resolvedDependencies": materials,
            },
            "runDetails": {"builder": {"id": BUILDER_ID}},
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject", action="append", required=True)
    parser.add_argument("--build-type", choices=("wheel", "image"), required=True)
    parser.add_argument("--material", action="append", default=[])
    parser.add_argument("--param", action="append", default=[])
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    text = json.dumps(statement(args), indent=2, sort_keys=True) + "\n"
    Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
