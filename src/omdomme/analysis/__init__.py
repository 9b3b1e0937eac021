"""The analyses: from a round's definition and data to the tables of the output contract.

Floor 5: may import results, definitions, estimate, io, geography, population, labels, errors;
never report, text, simulate or cli.

- :mod:`~omdomme.analysis.reputation`: ``analyse_round`` (both surveys of a round).
- :mod:`~omdomme.analysis.innovation`: the innovation survey's indicators, Norway, the goal.
- :mod:`~omdomme.analysis.counties`: paired county comparisons; :mod:`~omdomme.analysis.ranks`.
- :mod:`~omdomme.analysis.reliability`, :mod:`~omdomme.analysis.disclosure`: what may be shown.
- :mod:`~omdomme.analysis.rounds`, :mod:`~omdomme.analysis.trend`: across rounds.
- :mod:`~omdomme.analysis.validate`: ``omdomme validate``; :mod:`~omdomme.analysis.weighting`:
  a round weighted to SSB's margins.
"""
