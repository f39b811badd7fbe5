"""The aicr agent skill: a SKILL.md that teaches a coding assistant to use aicr on this machine.

Pure: catalog values and the aicr version in, Markdown out. The same text serves Claude Code
and Codex (both read a `SKILL.md` with `name` / `description` front matter from a per-user
skills folder); `SKILL_PATHS` says where each agent looks. Criteria values come from the
catalog the user runs, so the skill never lists a value `aicr recipe` would reject.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

AGENTS = ("claude-code", "codex")
SKILL_NAME = "aicr"
# Agent -> folder under the user's home that holds its personal skills.
SKILL_PATHS = {"claude-code": ".claude/skills", "codex": ".codex/skills"}
EXIT_CODES = (
    (0, "success"),
    (1, "unclassified failure"),
    (2, "invalid input (bad flag, criteria, file) or readiness constraint failed"),
    (3, "not found (no recipe for the criteria, missing file or ConfigMap)"),
    (4, "unauthorized (RBAC denied, bundle verification failed)"),
    (5, "timeout"),
    (6, "unavailable (cluster or registry unreachable)"),
    (7, "rate limited"),
    (8, "internal error, or validation found failing checks"),
    (9, "canceled (Ctrl-C / SIGTERM)"),
)


def _values(values: Mapping[str, frozenset[str]], field: str) -> str:
    found = sorted(v for v in values.get(field, frozenset()) if v != "any")
    return ", ".join(f"`{v}`" for v in found) + (", or `any`" if found else "`any`")


def render(values: Mapping[str, frozenset[str]], version: str) -> str:
    """SKILL.md for aicr `version` with the catalog's criteria `values`."""
    lines = [
        "---",
        f"name: {SKILL_NAME}",
        "description: Generate, bundle, snapshot and validate GPU Kubernetes cluster recipes with the aicr "
        "CLI (GPU Operator, Network Operator, Kubeflow Trainer, Dynamo, KAI scheduler...). Use when asked "
        "for a recipe, Helm/Argo CD/Flux/Fleet deployment artifacts, or a check of a GPU cluster.",
        "---",
        "",
        f"# Using aicr {version}",
        "",
        "aicr turns a description of a GPU Kubernetes cluster into a version-locked recipe of components,",
        "renders it for a deployment tool, and checks a live cluster against it. stdout carries only data;",
        "progress and errors go to stderr as `error: [CODE] message`.",
        "",
        "## Criteria (values this installation accepts)",
        "",
        f"- `--service`: {_values(values, 'service')}",
        f"- `--accelerator` (alias `--gpu`): {_values(values, 'accelerator')}",
        f"- `--intent`: {_values(values, 'intent')}",
        f"- `--os`: {_values(values, 'os')}",
        f"- `--platform`: {_values(values, 'platform')}",
        "",
        "## Workflow",
        "",
        "```bash",
        "aicr recipe --service eks --accelerator h100 --intent training --os ubuntu -o recipe.yaml",
        "aicr query --service eks --accelerator h100 --intent training --os ubuntu \\",
        "  --selector components.gpu-operator.values.driver.version",
        "aicr bundle -r recipe.yaml -d helm -o ./bundle      # or -d helmfile|argocd|argocd-helm|flux|fleet",
        "aicr verify ./bundle                                 # checksums and trust level",
        "aicr snapshot -o cm://aicr/snapshot                  # runs an agent Job in the cluster",
        "aicr validate -r recipe.yaml -s cm://aicr/snapshot   # readiness, then checks as Jobs; CTRF on stdout",
        "aicr validate -r recipe.yaml -s snapshot.yaml --no-cluster   # readiness only, no cluster",
        "```",
        "",
        "Inputs and outputs may be a file, `-` (stdin/stdout), an `http(s)://` URL (input) or a",
        "ConfigMap `cm://namespace/name`. Values are changed at bundle time with",
        "`--set component:path=value`; `--set component:enabled=false` drops a component.",
        "",
        "## Rules for the assistant",
        "",
        "- Never guess criteria: use only the values listed above; `aicr recipe` names the closest",
        "  valid value when one is wrong.",
        "- Check the exit code, not only the output. Read the one `error:` line on stderr.",
        "- Bundles are written atomically; re-running `aicr bundle` replaces a previous bundle.",
        "- `aicr validate` needs cluster access; `--print-rbac` shows the permissions it will ask for.",
        "",
        "## Exit codes",
        "",
        "| code | meaning |",
        "|---|---|",
        *(f"| {code} | {meaning} |" for code, meaning in EXIT_CODES),
        "",
    ]
    return "\n".join(lines)
