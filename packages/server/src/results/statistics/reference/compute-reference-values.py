#!/usr/bin/python3
"""Reference values for Lift's statistics, computed independently with SciPy (Debian's
python3-scipy 1.10): numerical integration and SciPy's own tests, not Lift's formulas.

    apt-get install -y python3-scipy
    /usr/bin/python3 packages/server/src/results/statistics/reference/compute-reference-values.py \
      > packages/server/src/results/statistics/reference/reference-values.json
"""
import json
import sys

import scipy
from scipy import integrate, stats

PAIRS = [
    # name, (control units, conversions), (treatment units, conversions)
    ("small, no difference", (200, 20), (200, 20)),
    ("small, treatment ahead", (250, 20), (240, 35)),
    ("medium, treatment behind", (5000, 600), (5100, 540)),
    ("medium, tiny rates", (8000, 12), (8000, 25)),
    ("large, normal-approximation regime", (1_000_000, 50_000), (1_000_000, 50_600)),
]


def wilson(n, x):
    lo, hi = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    return [lo, hi]


def pooled_p(c, t):
    table = [[t[1], t[0] - t[1]], [c[1], c[0] - c[1]]]
    return stats.chi2_contingency(table, correction=False)[1]


def beta_params(n, x):
    return 1 + x, 1 + n - x


def chance_to_beat(c, t):
    ac, bc = beta_params(*c)
    at, bt = beta_params(*t)
    # P(T > C) = integral of f_T(x) F_C(x) dx
    lo, hi = stats.beta.ppf([1e-12, 1 - 1e-12], at, bt)
    value, _ = integrate.quad(lambda x: stats.beta.pdf(x, at, bt) * stats.beta.cdf(x, ac, bc), lo, hi, limit=500, points=[stats.beta.mean(at, bt)])
    return value


def expected_loss(c, t):
    # E[max(C - T, 0)] = integral over c of f_C(c) * integral_0^c (c - t) f_T(t) dt
    ac, bc = beta_params(*c)
    at, bt = beta_params(*t)
    mean_t = at / (at + bt)

    def inner(cv):
        return cv * stats.beta.cdf(cv, at, bt) - mean_t * stats.beta.cdf(cv, at + 1, bt)

    lo, hi = stats.beta.ppf([1e-12, 1 - 1e-12], ac, bc)
    value, _ = integrate.quad(lambda cv: stats.beta.pdf(cv, ac, bc) * inner(cv), lo, hi, limit=500, points=[stats.beta.mean(ac, bc)])
    return value


def proportion_case(name, c, t):
    return {
        "name": name,
        "control": {"units": c[0], "conversions": c[1]},
        "treatment": {"units": t[0], "conversions": t[1]},
        "wilsonControl": wilson(*c),
        "wilsonTreatment": wilson(*t),
        "pValue": pooled_p(c, t),
        "chanceToBeatControl": chance_to_beat(c, t),
        "expectedLoss": expected_loss(c, t),
    }


SRM = [
    ("balanced 50/50", [5012, 4988], [5000, 5000]),
    ("broken 50/50", [5400, 4600], [5000, 5000]),
    ("three-way 20/30/50", [2013, 2950, 5037], [2000, 3000, 5000]),
]

WELCH = [
    # name, (mean, std, n) control, treatment
    ("revenue per unit, equal spread", (12.5, 40.0, 1000), (14.1, 41.0, 1020)),
    ("unequal variances and sizes", (3.2, 1.1, 40), (3.9, 2.7, 25)),
    ("large samples", (0.82, 5.5, 200_000), (0.85, 5.6, 199_000)),
]


def welch_case(name, c, t):
    result = stats.ttest_ind_from_stats(t[0], t[1], t[2], c[0], c[1], c[2], equal_var=False)
    vt, vc = t[1] ** 2 / t[2], c[1] ** 2 / c[2]
    df = (vt + vc) ** 2 / (vt ** 2 / (t[2] - 1) + vc ** 2 / (c[2] - 1))
    half = stats.t.ppf(0.975, df) * (vt + vc) ** 0.5
    diff = t[0] - c[0]
    return {
        "name": name,
        "control": {"mean": c[0], "stdDev": c[1], "units": c[2]},
        "treatment": {"mean": t[0], "stdDev": t[1], "units": t[2]},
        "estimate": diff,
        "ci": [diff - half, diff + half],
        "pValue": result.pvalue,
        "degreesOfFreedom": df,
    }


def main():
    doc = {
        "generatedBy": "/usr/bin/python3 packages/server/src/results/statistics/reference/compute-reference-values.py",
        "scipy": scipy.__version__,
        "proportions": [proportion_case(*case) for case in PAIRS],
        "sampleRatio": [
            {"name": n, "units": u, "weights": w, "chiSquare": stats.chisquare(u, [sum(u) * x / sum(w) for x in w])[0], "pValue": stats.chisquare(u, [sum(u) * x / sum(w) for x in w])[1]}
            for n, u, w in SRM
        ],
        "welch": [welch_case(*case) for case in WELCH],
        "holm": {
            "name": "worked example: four treatments",
            "pValues": [0.01, 0.04, 0.03, 0.005],
            "adjusted": [0.03, 0.06, 0.06, 0.02],
        },
    }
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
