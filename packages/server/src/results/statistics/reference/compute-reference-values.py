#!/usr/bin/env python3
"""Reference values for Lift's statistics, computed independently with SciPy and NumPy: numerical
integration, SciPy's own tests and NumPy moments of raw per-unit data, not Lift's code.

    pip install scipy==1.17.* numpy==2.4.*
    python3 packages/server/src/results/statistics/reference/compute-reference-values.py \
      > packages/server/src/results/statistics/reference/reference-values.json

`metricAnalysis` cases start from raw per-unit values drawn with a fixed NumPy seed: each case
hands Lift only the per-variant sums it reads from its rollups, and the expected figures are
computed here from the raw arrays (np.var, np.cov, scipy.stats.ttest_ind, ...).
"""
import json
import math
import sys

import numpy as np
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


# Metric analysis from raw per-unit data (docs/statistics.md states every formula used here).

SEED = 20261204
ALPHA = 0.05
Z = stats.norm.ppf(0.975)
SRM_ALPHA = 0.001
SMALL_SAMPLE_UNITS = 30
SMALL_SAMPLE_CONVERSIONS = 10
DEFAULT_MARGIN = 0.02
RELATIVE_TAU = 0.1
TARGET_RELATIVE_LIFT = 0.05
POWER = 0.8


def holm(p_values):
    """Holm (1979): the i-th smallest of m p-values (i from 0) times m - i, running maximum, at most 1."""
    m = len(p_values)
    adjusted = [1.0] * m
    running = 0.0
    for rank, index in enumerate(sorted(range(m), key=lambda i: p_values[i])):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


class Arm:
    """One variant's raw per-unit values: y (the numerator N for a ratio) and, for a ratio, d."""

    def __init__(self, key, weight, y, d=None):
        self.key = key
        self.weight = weight
        self.y = np.asarray(y, dtype=float)
        self.d = None if d is None else np.asarray(d, dtype=float)
        self.n = len(self.y)
        self.conversions = int(np.count_nonzero(self.y > 0))

    def sums(self):
        out = {
            "key": self.key,
            "weight": self.weight,
            "units": self.n,
            "conversions": self.conversions,
            "sum": math.fsum(self.y),
            "sumOfSquares": math.fsum(self.y * self.y),
        }
        if self.d is not None:
            out["denominatorSum"] = math.fsum(self.d)
            out["denominatorSumOfSquares"] = math.fsum(self.d * self.d)
            out["crossSum"] = math.fsum(self.y * self.d)
        return out


def arm_moments(metric_type, arm):
    """(mean, variance of the mean, per-unit variance) straight from the raw arrays."""
    y, n = arm.y, arm.n
    if metric_type == "proportion":
        m = float(np.mean(y))
        return m, m * (1 - m) / n, m * (1 - m)
    if metric_type in ("mean", "count"):
        s2 = float(np.var(y, ddof=1)) if n >= 2 else 0.0
        return float(np.mean(y)), s2 / n, s2
    m_n, m_d = float(np.mean(y)), float(np.mean(arm.d))
    cov = np.cov(y, arm.d, ddof=1)
    variance = (cov[0, 0] / m_d**2 - 2 * m_n * cov[0, 1] / m_d**3 + m_n**2 * cov[1, 1] / m_d**4) / n
    return float(np.sum(y) / np.sum(arm.d)), float(variance), float(n * variance)


def mean_interval(metric_type, arm, mean, variance):
    if metric_type == "proportion":
        return wilson(arm.n, arm.conversions)
    if metric_type in ("mean", "count"):
        ci = stats.ttest_1samp(arm.y, 0).confidence_interval(0.95)
        return [float(ci.low), float(ci.high)]
    half = Z * math.sqrt(variance)
    return [mean - half, mean + half]


def cs_half_width(variance, tau):
    """Half-width of the mSPRT confidence sequence with a N(0, tau^2) mixture."""
    t2 = tau * tau
    return math.sqrt(variance * (variance + t2) / t2 * (2 * math.log(1 / ALPHA) + math.log((variance + t2) / variance)))


def msprt_p_value(theta, variance, tau):
    t2 = tau * tau
    likelihood_ratio = math.sqrt(variance / (variance + t2)) * math.exp(t2 * theta**2 / (2 * variance * (variance + t2)))
    return min(1.0, 1 / likelihood_ratio)


def normal_expected_loss(theta, variance, d):
    """E[max(X, 0)] for X = -d * (true difference) ~ N(-d * theta, V), by numerical integration."""
    mu, sigma = -d * theta, math.sqrt(variance)
    upper = max(mu, 0) + 40 * sigma
    points = [mu] if 0 < mu < upper else None
    value, _ = integrate.quad(lambda x: x * stats.norm.pdf(x, mu, sigma), 0, upper, points=points, epsabs=0, epsrel=1e-13, limit=500)
    return value


def beta_chance(better, worse):
    """P(p_better > p_worse) for Beta(1 + x, 1 + n - x) posteriors, by numerical integration."""
    ab, bb = beta_params(better.n, better.conversions)
    aw, bw = beta_params(worse.n, worse.conversions)
    lo, hi = stats.beta.ppf([1e-15, 1 - 1e-15], ab, bb)
    value, _ = integrate.quad(
        lambda x: stats.beta.pdf(x, ab, bb) * stats.beta.cdf(x, aw, bw),
        lo, hi, limit=1000, epsabs=1e-15, epsrel=1e-13, points=[stats.beta.mean(ab, bb)],
    )
    return value


def beta_loss(higher, lower):
    """E[max(p_higher - p_lower, 0)] for Beta posteriors, by numerical integration."""
    ah, bh = beta_params(higher.n, higher.conversions)
    al, bl = beta_params(lower.n, lower.conversions)
    mean_lower = al / (al + bl)

    def inner(x):
        return x * stats.beta.cdf(x, al, bl) - mean_lower * stats.beta.cdf(x, al + 1, bl)

    lo, hi = stats.beta.ppf([1e-15, 1 - 1e-15], ah, bh)
    value, _ = integrate.quad(
        lambda x: stats.beta.pdf(x, ah, bh) * inner(x),
        lo, hi, limit=1000, epsabs=1e-16, epsrel=1e-13, points=[stats.beta.mean(ah, bh)],
    )
    return value


def guardrail_status(d, margin, relative_cs, absolute_cs, sufficient):
    if not sufficient:
        return "pending"
    if relative_cs is not None:
        lo, hi = relative_cs
        harmed = hi < 0 if d > 0 else lo > 0
        ok = lo > -margin if d > 0 else hi < margin
    else:
        lo, hi = absolute_cs
        harmed = hi < 0 if d > 0 else lo > 0
        ok = lo > 0 if d > 0 else hi < 0
    return "harmed" if harmed else "ok" if ok else "pending"


def verdict(d, srm_ok, sufficient, cs):
    if not srm_ok:
        return "srm-failed"
    if not sufficient:
        return "insufficient-data"
    lo, hi = cs
    if (lo > 0) if d > 0 else (hi < 0):
        return "winning"
    if (hi < 0) if d > 0 else (lo > 0):
        return "losing"
    return "inconclusive"


def describe_arm(metric_type, arm):
    mean, variance, _ = arm_moments(metric_type, arm)
    small = arm.n < SMALL_SAMPLE_UNITS or (metric_type == "proportion" and arm.conversions < SMALL_SAMPLE_CONVERSIONS)
    return {
        "key": arm.key,
        "units": arm.n,
        "conversions": arm.conversions,
        "mean": mean,
        "meanCI": mean_interval(metric_type, arm, mean, variance),
        "rate": arm.conversions / arm.n,
        "rateCI": wilson(arm.n, arm.conversions),
        "value": {"mean": float(np.mean(arm.y)), "stdDev": float(np.std(arm.y, ddof=1))},
        "warnings": ["small-sample"] if small else [],
    }


def compare(metric, treatment, control, srm_ok):
    kind, d = metric["type"], 1 if metric["direction"] == "increase" else -1
    m_t, v_t, _ = arm_moments(kind, treatment)
    m_c, v_c, _ = arm_moments(kind, control)
    theta, variance = m_t - m_c, v_t + v_c
    sufficient = treatment.n >= 2 and control.n >= 2 and variance > 0
    assert sufficient, "the reference cases all carry data"
    tau = max(0.1 * abs(m_c), 1e-4)
    w = cs_half_width(variance, tau)
    if kind == "proportion":
        ci = [theta - Z * math.sqrt(variance), theta + Z * math.sqrt(variance)]
        p_value = pooled_p((control.n, control.conversions), (treatment.n, treatment.conversions))
        # high: the arm whose rate is the higher one when the treatment is better.
        high, low = (treatment, control) if d > 0 else (control, treatment)
        chance = beta_chance(high, low)
        loss = beta_loss(low, high)
    else:
        if kind == "ratio":
            ci = [theta - Z * math.sqrt(variance), theta + Z * math.sqrt(variance)]
            p_value = 2 * stats.norm.sf(abs(theta) / math.sqrt(variance))
        else:
            welch = stats.ttest_ind(treatment.y, control.y, equal_var=False)
            low, high = welch.confidence_interval(0.95)
            ci, p_value = [float(low), float(high)], float(welch.pvalue)
        chance = stats.norm.cdf(d * theta / math.sqrt(variance))
        loss = normal_expected_loss(theta, variance, d)
    absolute_cs = [theta - w, theta + w]
    relative = {"estimate": None, "ci": None, "ciSequential": None}
    if m_c > 0 and m_t >= 0:
        relative["estimate"] = m_t / m_c - 1
    if m_c > 0 and m_t > 0:
        log_ratio = math.log(m_t) - math.log(m_c)
        log_variance = v_t / m_t**2 + v_c / m_c**2
        half = Z * math.sqrt(log_variance)
        w_log = cs_half_width(log_variance, RELATIVE_TAU)
        relative["ci"] = [math.exp(log_ratio - half) - 1, math.exp(log_ratio + half) - 1]
        relative["ciSequential"] = [math.exp(log_ratio - w_log) - 1, math.exp(log_ratio + w_log) - 1]
    result = {
        **describe_arm(kind, treatment),
        "liftAbs": {"estimate": theta, "ci": ci, "ciSequential": absolute_cs},
        "liftRel": relative,
        "pValue": float(p_value),
        "pValueSequential": msprt_p_value(theta, variance, tau),
        "chanceToBeatControl": float(chance),
        "expectedLoss": float(loss),
        "verdict": verdict(d, srm_ok, sufficient, absolute_cs),
    }
    if metric["role"] == "guardrail":
        margin = metric.get("nonInferiorityMargin", DEFAULT_MARGIN)
        status = guardrail_status(d, margin, relative["ciSequential"], absolute_cs, sufficient)
        result["guardrail"] = {"status": status, "margin": margin}
    return result


def power(metric_type, arms):
    mean, _, unit_variance = arm_moments(metric_type, arms[0])
    if not (mean > 0 and unit_variance > 0):
        return {"mdeRel": 0, "unitsNeeded": 0}
    z_sum = stats.norm.ppf(1 - ALPHA / 2) + stats.norm.ppf(POWER)
    n = min(arm.n for arm in arms)
    mde_abs = z_sum * math.sqrt(2 * unit_variance / n)
    delta = TARGET_RELATIVE_LIFT * mean
    return {"mdeRel": mde_abs / mean, "unitsNeeded": math.ceil(2 * unit_variance * z_sum**2 / delta**2)}


def metric_case(name, metric, arms):
    units = [arm.n for arm in arms]
    weights = [arm.weight for arm in arms]
    chi_square, srm_p = stats.chisquare(units, [sum(units) * w / sum(weights) for w in weights])
    srm_ok = bool(srm_p >= SRM_ALPHA)
    control, treatments = arms[0], arms[1:]
    compared = [compare(metric, t, control, srm_ok) for t in treatments]
    for result, adjusted in zip(compared, holm([c["pValue"] for c in compared])):
        result["pValueAdjusted"] = adjusted
    return {
        "name": name,
        "metric": metric,
        "variants": [arm.sums() for arm in arms],
        "expected": {
            "srm": {"chiSquare": float(chi_square), "pValue": float(srm_p), "ok": srm_ok},
            "variants": [describe_arm(metric["type"], control), *compared],
            "power": power(metric["type"], arms),
        },
    }


def metric_cases():
    rng = np.random.default_rng(SEED)

    def converted(n, p):
        return (rng.random(n) < p).astype(float)

    def revenue(n, buy, scale):
        return (rng.random(n) < buy) * rng.lognormal(3.0, 1.0, n) * scale

    def orders(n, value_scale):
        counts = rng.poisson(1.5, n)
        values = np.array([rng.lognormal(3.5, 0.8, c).sum() for c in counts]) * value_scale
        return values, counts

    def requests(n, error_rate):
        counts = 1 + rng.poisson(20, n)
        return rng.binomial(counts, error_rate).astype(float), counts

    cases = []
    cases.append(metric_case(
        "proportion, increase, primary: one treatment ahead, one flat (Holm over two)",
        {"type": "proportion", "direction": "increase", "role": "primary"},
        [Arm("control", 3400, converted(4000, 0.10)), Arm("ahead", 3300, converted(3950, 0.125)), Arm("flat", 3300, converted(3900, 0.10))],
    ))
    cases.append(metric_case(
        "proportion, decrease, primary: churn down",
        {"type": "proportion", "direction": "decrease", "role": "primary"},
        [Arm("control", 5000, converted(6000, 0.20)), Arm("retain", 5000, converted(6050, 0.17))],
    ))
    cases.append(metric_case(
        "proportion, decrease, guardrail: bounce rate a little lower, ok",
        {"type": "proportion", "direction": "decrease", "role": "guardrail"},
        [Arm("control", 5000, converted(30000, 0.40)), Arm("moved", 5000, converted(30100, 0.385))],
    ))
    cases.append(metric_case(
        "proportion, increase, secondary: sample ratio mismatch",
        {"type": "proportion", "direction": "increase", "role": "secondary"},
        [Arm("control", 5000, converted(5000, 0.10)), Arm("moved", 5000, converted(5600, 0.13))],
    ))
    cases.append(metric_case(
        "mean, increase, primary: revenue per unit, lognormal with most units at 0",
        {"type": "mean", "direction": "increase", "role": "primary"},
        [Arm("control", 5000, revenue(5000, 0.3, 1.0)), Arm("discount", 5000, revenue(5050, 0.3, 1.15))],
    ))
    cases.append(metric_case(
        "mean, decrease, guardrail: latency 1.5% lower, ok",
        {"type": "mean", "direction": "decrease", "role": "guardrail"},
        [Arm("control", 5000, rng.lognormal(math.log(200), 0.5, 20000)), Arm("cache", 5000, rng.lognormal(math.log(197), 0.5, 20000))],
    ))
    cases.append(metric_case(
        "count, decrease, guardrail: errors per unit up, harmed",
        {"type": "count", "direction": "decrease", "role": "guardrail", "nonInferiorityMargin": 0.05},
        [Arm("control", 5000, rng.poisson(0.30, 5000)), Arm("rewrite", 5000, rng.poisson(0.40, 5000))],
    ))
    cases.append(metric_case(
        "count, increase, secondary: page views, small sample",
        {"type": "count", "direction": "increase", "role": "secondary"},
        [Arm("control", 5000, rng.poisson(3.0, 12)), Arm("moved", 5000, rng.poisson(4.0, 15))],
    ))
    cases.append(metric_case(
        "count, decrease, guardrail: control mean 0 (relative lift undefined)",
        {"type": "count", "direction": "decrease", "role": "guardrail"},
        [Arm("control", 5000, np.zeros(400)), Arm("moved", 5000, rng.poisson(0.02, 410))],
    ))
    cases.append(metric_case(
        "ratio, increase, primary: revenue per order",
        {"type": "ratio", "direction": "increase", "role": "primary"},
        [Arm("control", 5000, *orders(3000, 1.0)), Arm("upsell", 5000, *orders(3020, 1.06))],
    ))
    cases.append(metric_case(
        "ratio, decrease, guardrail: errors per request, pending",
        {"type": "ratio", "direction": "decrease", "role": "guardrail"},
        [Arm("control", 5000, *requests(2000, 0.020)), Arm("moved", 5000, *requests(2010, 0.021))],
    ))
    return cases


def main():
    doc = {
        "generatedBy": "python3 packages/server/src/results/statistics/reference/compute-reference-values.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "seed": SEED,
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
        "metricAnalysis": metric_cases(),
    }
    json.dump(doc, sys.stdout, indent=2, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
