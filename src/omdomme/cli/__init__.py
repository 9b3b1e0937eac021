"""The command line: a thin click layer over the library.

Each command lives in its own module here (``omdomme.cli.<command>``) and is imported only when
it is run, so that ``omdomme --help`` starts fast. A command parses its arguments, makes one
library call, and prints; library errors (:class:`omdomme.OmdommeError`) become one clear line
on stderr and the exit code of the error class (2 for bad input, 1 for analysis failures).
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from omdomme._meta import __version__

# name -> (module, attribute, one-line help shown by `omdomme --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "analyse": ("omdomme.cli.analyse", "analyse", "Estimate every indicator of a round and write analyses/<round>/."),
    "report": ("omdomme.cli.report", "report", "Render the Quarto report of an analysed round."),
    "compare": ("omdomme.cli.compare", "compare", "Compare two analysed rounds, indicator by indicator."),
    "trend": ("omdomme.cli.compare", "trend", "Every analysed round side by side, with trends and goal status."),
    "weight": ("omdomme.cli.weight", "weight", "Rake a round to SSB population margins and print the diagnostics."),
    "table": ("omdomme.cli.table", "table", "Print one indicator of an analysed round as a crosstab by a breakdown."),
    "codebook": ("omdomme.cli.codebook", "codebook", "Show every variable of a data file: labels, codes, missing values."),
    "validate": ("omdomme.cli.validate", "validate", "Check a round's definition against its data; report every problem."),
    "draft": ("omdomme.cli.draft", "draft", "Draft a round's omdomme.toml from a vendor file's own labels."),
    "code": ("omdomme.cli.code", "code", "Propose codes for the free-text associations (surveys/<round>/koding.csv)."),
    "simulate": ("omdomme.cli.simulate", "simulate", "Generate the synthetic rounds (seeded, deterministic)."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (mod, _, _) in COMMANDS.items() if _module_exists(mod)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _module_exists(COMMANDS[cmd_name][0]):
            return None
        mod, attr, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(mod), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table, so that --help imports no command module.
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _module_exists(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="omdomme")
def main() -> None:
    """omdomme: survey microdata to honest numbers and reports.

    Reads the reputation survey (omdømmeundersøkelsen) and SSB's innovation survey
    (innovasjonsundersøkelsen), estimates the partnership's indicators for the five
    Oslofjord counties with design-based confidence intervals, and renders Quarto reports.

    Start with `omdomme analyse 2018`.
    """
