"""Coding free-text associations: a shipped lexicon and the proposals it makes.

Floor 3: imports only :mod:`omdomme.errors`, :mod:`omdomme.geography`, numpy and polars.
"""

from omdomme.coding._agreement import agreement
from omdomme.coding._lexicon import CODES, VET_IKKE, Lexicon, load_lexicon
from omdomme.coding._propose import propose_codes
from omdomme.coding._text import fold, stem

__all__ = ["CODES", "VET_IKKE", "Lexicon", "agreement", "fold", "load_lexicon", "propose_codes", "stem"]
