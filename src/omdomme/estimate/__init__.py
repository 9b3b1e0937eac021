"""Design-based estimation: the survey design, its estimators, intervals, weighting, contrasts.

Floor 3. Imports only numpy, polars, scipy and :mod:`omdomme.errors`: it knows nothing of
files, definitions, geography or the output contract, so it can be checked against R's
``survey`` on any data.

- :class:`omdomme.estimate.survey.Survey`: weights, strata, PSUs, fpc, lonely-PSU policy;
  ``mean``, ``total``, ``proportion``, ``ratio`` by any grouping, with ``vcov=True``.
- :mod:`omdomme.estimate.variance`: Taylor linearisation (PSU totals, covariance).
- :mod:`omdomme.estimate.intervals`: R's ``svyciprop`` methods, t intervals, the one t
  quantile and two-sided p-value.
- :mod:`omdomme.estimate.contrast`: differences and log-scale ratios of two estimates,
  paired (joint covariance) or independent (two rounds, Welch–Satterthwaite df), and Holm.
- :mod:`omdomme.estimate.weighting`: raking, post-stratification, calibration-aware variance.
"""
