"""The check side of the validator contract: inputs, outputs and exit codes inside the container.

Edge module (reads the mounted files, writes stdout and the termination log). reference/
validate.md §3.3: the snapshot and recipe are mounted at /data/snapshot/snapshot.yaml and
/data/recipe/recipe.yaml (overridable with AICR_SNAPSHOT_PATH / AICR_RECIPE_PATH); stdout is the
evidence the orchestrator captures (`RESULT: ...` lines are echoed to the CLI log,
`##AICR-EXTRA## {json}` carries structured extras); stderr is for logs only; a failing or
skipping check writes its reason to /dev/termination-log (at most 4096 bytes), which becomes
the CTRF message. Exit codes: 0 passed, 1 failed, 2 skipped; an unexpected crash exits 3, which
the orchestrator reports as `other`.
"""

from __future__ import annotations

import os
import sys

from aicr.errors import AicrError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TextIO

    from aicr.k8s.client import ApiClient

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_SKIPPED = 2
EXIT_CRASHED = 3
SNAPSHOT_PATH = "/data/snapshot/snapshot.yaml"
RECIPE_PATH = "/data/recipe/recipe.yaml"
TERMINATION_LOG = "/dev/termination-log"
MAX_TERMINATION_BYTES = 4096
SA_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"
EXTRA_PREFIX = "##AICR-EXTRA##"
RESULT_PREFIX = "RESULT:"


class CheckFailed(Exception):
    """Raise from a check to fail it (exit 1) with this message."""


class CheckSkipped(Exception):
    """Raise from a check to skip it (exit 2) with this message."""


class CheckContext:
    """What a check can read (snapshot, recipe, cluster) and how it reports."""

    def __init__(
        self,
        name: str,
        *,
        environ: dict[str, str] | None = None,
        out: TextIO | None = None,
        client: ApiClient | None = None,
        recipe: dict[str, Any] | None = None,
        snapshot: dict[str, Any] | None = None,
    ) -> None:
        self.env = dict(os.environ if environ is None else environ)
        self.name = name
        self.phase = self.env.get("AICR_VALIDATOR_PHASE", "")
        self.run_id = self.env.get("AICR_RUN_ID", "")
        self.out = out or sys.stdout
        self._client = client
        self._owns_client = False
        self._recipe = recipe
        self._snapshot = snapshot

    @property
    def namespace(self) -> str:
        """The pod's namespace: the service-account file, then AICR_NAMESPACE, then `default`."""
        path = self.env.get("AICR_SA_NAMESPACE_FILE", SA_NAMESPACE_FILE)
        try:
            with open(path, encoding="utf-8") as fh:
                value = fh.read().strip()
            if value:
                return value
        except OSError:
            pass
        return self.env.get("AICR_NAMESPACE", "") or "default"

    def _load(self, env: str, default: str, what: str) -> dict[str, Any] | None:
        path = self.env.get(env, default)
        if not os.path.exists(path):
            return None
        from aicr.io.documents import load_document

        return load_document(path, what=what)

    @property
    def recipe(self) -> dict[str, Any]:
        """The recipe (RecipeResult document) the run validates; a check fails without one."""
        if self._recipe is None:
            self._recipe = self._load("AICR_RECIPE_PATH", RECIPE_PATH, "recipe")
            if self._recipe is None:
                raise CheckFailed(f"recipe not found at {self.env.get('AICR_RECIPE_PATH', RECIPE_PATH)}")
        return self._recipe

    @property
    def snapshot(self) -> dict[str, Any] | None:
        """The snapshot of the run, or None when none was mounted."""
        if self._snapshot is None:
            self._snapshot = self._load("AICR_SNAPSHOT_PATH", SNAPSHOT_PATH, "snapshot")
        return self._snapshot

    @property
    def client(self) -> ApiClient:
        """A Kubernetes client (in-cluster in the Job; KUBECONFIG elsewhere)."""
        if self._client is None:
            from aicr.k8s.client import ApiClient

            self._client = ApiClient.connect(self.env.get("KUBECONFIG") or None)
            self._owns_client = True
        return self._client

    def close(self) -> None:
        """Release the client this context opened."""
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None

    # -- outputs ----------------------------------------------------------------------------

    def print(self, text: str = "") -> None:
        """A line of evidence on stdout."""
        self.out.write(text + "\n")
        self.out.flush()

    def result(self, summary: str) -> None:
        """A `RESULT: ...` summary line (echoed by the orchestrator to the CLI log)."""
        self.print(f"{RESULT_PREFIX} {summary}")

    def extra(self, **fields: Any) -> None:
        """Structured extras for the CTRF test (values sent as strings; the last line wins)."""
        import json

        self.print(f"{EXTRA_PREFIX} " + json.dumps({k: str(v) for k, v in fields.items()}, sort_keys=True))


def write_termination_message(message: str, path: str) -> None:
    """Write the reason to the termination log (best effort, capped at 4096 bytes)."""
    data = message.encode("utf-8", "replace")[:MAX_TERMINATION_BYTES]
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError:
        sys.stderr.write(f"cannot write termination message to {path}\n")


def run_check(check: Callable[[CheckContext], None], ctx: CheckContext) -> int:
    """Run one check and turn its outcome into the exit code (and termination message)."""
    path = ctx.env.get("AICR_TERMINATION_LOG", TERMINATION_LOG)
    try:
        check(ctx)
    except CheckSkipped as exc:
        write_termination_message(str(exc), path)
        sys.stderr.write(f"[{ctx.name}] skipped: {exc}\n")
        return EXIT_SKIPPED
    except CheckFailed as exc:
        write_termination_message(str(exc), path)
        sys.stderr.write(f"[{ctx.name}] failed: {exc}\n")
        return EXIT_FAILED
    except AicrError as exc:
        message = f"[{exc.code.value}] {exc.message}"
        write_termination_message(message, path)
        sys.stderr.write(f"[{ctx.name}] failed: {message}\n")
        return EXIT_FAILED
    except Exception as exc:  # a bug in the check: inconclusive, not a verdict on the cluster
        message = f"check crashed: {type(exc).__name__}: {exc}"
        write_termination_message(message, path)
        sys.stderr.write(f"[{ctx.name}] {message}\n")
        return EXIT_CRASHED
    finally:
        ctx.close()
    return EXIT_PASSED


def main(argv: list[str] | None = None) -> int:
    """`python -m aicr.validators <check>`: dispatch to a registered check."""
    from aicr.validators.checks import CHECKS

    args = list(sys.argv[1:] if argv is None else argv)
    path = os.environ.get("AICR_TERMINATION_LOG", TERMINATION_LOG)
    if not args or args[0] in ("-h", "--help"):
        sys.stderr.write(
            "usage: python -m aicr.validators <check>\nchecks: " + ", ".join(sorted(CHECKS)) + "\n"
        )
        if not args:
            write_termination_message("no check name given", path)
        return EXIT_FAILED if not args else EXIT_PASSED
    check = CHECKS.get(args[0])
    if check is None:
        message = f'unknown check "{args[0]}" (available: {", ".join(sorted(CHECKS))})'
        write_termination_message(message, path)
        sys.stderr.write(message + "\n")
        return EXIT_FAILED
    return run_check(check, CheckContext(args[0]))
