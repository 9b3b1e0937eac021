"""What the synthetic populations and the vendor layouts share: internal codes, the code frame,
industry and size classes, and the logistic helpers of the models.

Private to :mod:`omdomme.simulate`; everything else there may import it, it imports nothing of
the package, so the generator has no import cycle.
"""

from __future__ import annotations

import numpy as np

VI_SCALE = 9  # internal «vet ikke» code of the scale questions (the vendors' codes differ)
VI_ASSOC = 99  # internal «vet ikke» code of the associations
ASSOCIATION_CODES = {
    1: "steder", 2: "sverige", 3: "natur", 4: "dialekt", 5: "naeringsliv",
    6: "verdier", 7: "kultur", 8: "negativ", 9: "annet",
}


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _calibrate(x: np.ndarray, target: float) -> float:
    """Intercept ``a`` such that ``mean(logistic(a + x)) == target`` (Newton on a monotone function)."""
    a = float(np.log(target / (1 - target)) - np.mean(x))
    for _ in range(50):
        p = _logistic(a + x)
        step = (p.mean() - target) / max(float(np.mean(p * (1 - p))), 1e-12)
        a -= step
        if abs(step) < 1e-12:
            break
    return a


# code -> (label, share of firms, logit shift of innovation activity, share of goods among product innovators)
INDUSTRIES = {
    1: ("Industri", 0.16, 0.30, 0.80),
    2: ("Bygge- og anleggsvirksomhet", 0.20, -0.65, 0.45),
    3: ("Varehandel", 0.22, -0.10, 0.55),
    4: ("Transport og lagring", 0.08, -0.55, 0.20),
    5: ("Informasjon og kommunikasjon", 0.07, 1.30, 0.30),
    6: ("Faglig, vitenskapelig og teknisk tjenesteyting", 0.10, 0.55, 0.15),
    7: ("Andre næringer", 0.17, -0.20, 0.40),
}


# code -> (label, lowest, highest employees, share of firms, logit shift, sampling fraction)
SIZE_CLASSES = {
    1: ("10–19 sysselsatte", 10, 19, 0.46, 0.00, 0.12),
    2: ("20–49 sysselsatte", 20, 49, 0.33, -0.10, 0.20),
    3: ("50–99 sysselsatte", 50, 99, 0.11, 0.10, 0.35),
    4: ("100–199 sysselsatte", 100, 199, 0.055, 0.40, 0.60),
    5: ("200–499 sysselsatte", 200, 499, 0.03, 0.70, 1.00),
    6: ("500 sysselsatte og over", 500, 20_000, 0.015, 0.90, 1.00),
}
