"""The import rule of DESIGN.md: the command line on top, the HTTP edge (`cms/web/`) below it,
the GraphQL API (`schema/`) below that, and the domain at the bottom importing none of them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_module_imports_a_layer_above_its_own() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
