"""The docs-example reader: which blocks run, how commands are cut, what is left out and why."""

from __future__ import annotations

from pathlib import Path

from tests.docs.examples import examples, shell_script

PAGE = """\
# Title

```bash
aicr recipe --service eks \\
  --accelerator h100 -o r.yaml        # two lines, one command
aicr bundle -r r.yaml -o oci://reg.example/x:v1   # (not run: needs a registry)
```

```yaml
kind: Snapshot
```

```yaml
# file: c.yaml
kind: RecipeCriteria
```

```console
$ curl -s -X POST $B/v1/recipe --data-binary @- <<'END'
spec: {service: eks}
END
{"kind": "RecipeResult"}
$ curl -s $B/health
{"status": "healthy"}
```

```python
# (not run: needs a GPU)
import aicr
```
"""


def _page(tmp_path: Path) -> Path:
    path = tmp_path / "page.md"
    path.write_text(PAGE)
    return path


def test_only_code_and_file_blocks_are_examples(tmp_path: Path) -> None:
    found = examples(_page(tmp_path))
    assert [(e.lang, e.line) for e in found] == [("bash", 3), ("file", 13), ("console", 18), ("python", 27)]


def test_continuations_stay_together_and_marked_commands_are_left_out(tmp_path: Path) -> None:
    script, left_out = shell_script(examples(_page(tmp_path))[0])
    assert "aicr recipe --service eks \\\n  --accelerator h100 -o r.yaml" in script
    assert "oci://" not in script
    assert left_out == ["needs a registry"]
    assert script.startswith("set -euo pipefail\n")


def test_console_blocks_run_the_prompted_commands_with_their_heredocs(tmp_path: Path) -> None:
    script, _ = shell_script(examples(_page(tmp_path))[2])
    assert "spec: {service: eks}\nEND" in script
    assert "curl -s $B/health" in script
    assert '{"status": "healthy"}' not in script  # sample output is not run


def test_a_marker_on_the_first_line_leaves_the_block_out(tmp_path: Path) -> None:
    found = examples(_page(tmp_path))
    assert found[3].not_run == "needs a GPU"
    assert found[0].not_run is None


def test_a_quoted_argument_may_span_lines(tmp_path: Path) -> None:
    path = tmp_path / "q.md"
    path.write_text(
        '```console\n$ curl -s $B/x \\\\\n    -d \'{"a": 1,\n         "b": 2}\'\n{}\n$ echo done\n```\n'
    )
    script, _ = shell_script(examples(path)[0])
    assert '-d \'{"a": 1,\n         "b": 2}\'\necho done' in script
