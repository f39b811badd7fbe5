"""`python -m aicr.validators <check>`: the validator image's entry point."""

from __future__ import annotations

import sys

from aicr.validators.runtime import main

if __name__ == "__main__":
    sys.exit(main())
