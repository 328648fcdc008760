"""`docs/configuration.md` is written from the settings themselves: it must match the code."""

import os
import subprocess
import sys
from pathlib import Path

from cms.configuration_doc import CONFIGURATION_DOC, render
from cms.settings import Settings


def test_configuration_page_is_up_to_date() -> None:
    assert CONFIGURATION_DOC.read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is stale: run `cms export-settings-doc` and commit the result."
    )


def test_every_setting_is_on_the_page_with_its_description() -> None:
    page = render()
    undescribed = [name for name, field in Settings.model_fields.items() if not field.description]

    assert undescribed == []
    assert all(f"`CMS_{name.upper()}`" in page for name in Settings.model_fields)


def test_the_command_writes_the_page_whatever_the_environment(tmp_path: Path) -> None:
    output = tmp_path / "configuration.md"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CMS_")}

    subprocess.run(
        [sys.executable, "-m", "cms.cli", "export-settings-doc", "--output", str(output)],
        env=environment | {"CMS_LOCALES": '["en"]', "CMS_DEFAULT_LOCALE": "en"},
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    assert output.read_text(encoding="utf-8") == render()
    assert '`["ka","en"]`' in render()
