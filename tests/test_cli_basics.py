"""The CLI's front door: help, version, and a light start-up."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from omdomme.cli import COMMANDS, main


def test_help_lists_commands_and_starts_with_analyse() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "omdomme analyse 2018" in result.output


def test_every_registered_command_has_help() -> None:
    runner = CliRunner()
    for name in main.list_commands(None):  # type: ignore[arg-type]
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert COMMANDS[name][2], name


def test_import_is_light() -> None:
    # `import omdomme` and `omdomme --help` must not pay for plotting or notebook machinery.
    code = (
        "import sys, omdomme, omdomme.cli;"
        "heavy = [m for m in ('plotnine', 'matplotlib', 'nbclient', 'great_tables', 'pyreadstat') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
