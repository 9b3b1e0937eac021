"""The package's version and the versions of the software that made the numbers.

Floor 0: imports nothing of omdomme.
"""

from __future__ import annotations

__version__ = "0.1.0"

#: Version of the output contract of ``analyses/`` (columns, dtypes, codes; docs/output.md).
#: Raised when a column is added, renamed or changes meaning; readers refuse a newer one.
# 4: estimates label_en, domain_label_en (issue #17) and set (the multiple-response set of the
#    association frame's rows; issue #16); 3: estimates breakdown, breakdown_level, category,
#    letters; comparisons domain_b (issue #15)
SCHEMA_VERSION = 4


def software_versions() -> dict[str, str]:
    """Versions of the software that made the numbers, for every manifest.

    Examples
    --------
    >>> sorted(software_versions())
    ['numpy', 'polars', 'pyreadstat', 'python', 'scipy']
    """
    import platform
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("polars", "numpy", "scipy", "pyreadstat"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out
