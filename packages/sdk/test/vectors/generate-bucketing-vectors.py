#!/usr/bin/env python3
"""Writes bucketing.v1.json: Lift's golden bucketing vectors, computed independently of the
TypeScript SDK with the plain reference MurmurHash3 in shared/conformance/murmur3.py.

    python3 packages/sdk/test/vectors/generate-bucketing-vectors.py > packages/sdk/test/vectors/bucketing.v1.json
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "conformance"))
from murmur3 import murmur3_32  # noqa: E402


def utf8(s: str) -> bytes:
    # WHATWG UTF-8 encoding: a lone surrogate becomes U+FFFD.
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if 0xD800 <= ord(c) <= 0xDBFF and i + 1 < len(s) and 0xDC00 <= ord(s[i + 1]) <= 0xDFFF:
            out.append((c + s[i + 1]).encode("utf-16", "surrogatepass").decode("utf-16"))
            i += 2
            continue
        out.append("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c)
        i += 1
    return "".join(out).encode("utf-8")


def hash_(s: str) -> int:
    return murmur3_32(utf8(s))


def bucket(s: str) -> int:
    return hash_(s) % 10000


HASH_CASES = [
    ("empty string", ""),
    ("one ASCII byte", "a"),
    ("two ASCII bytes", "ab"),
    ("three ASCII bytes", "abc"),
    ("one full block", "abcd"),
    ("block and tail", "hello"),
    ("typical unit", "user-42"),
    ("experiment salt and unit", "checkout-button:user-42"),
    ("UUID unit", "recommendations:3f1c9a0e-8b7d-4e2a-9c51-0d6f2b7e8a14"),
    ("digits", "1234567890"),
    ("two-byte UTF-8", "é"),
    ("two-byte UTF-8 in a word", "Zürich"),
    ("three-byte UTF-8", "中文用户"),
    ("four-byte UTF-8 (surrogate pair)", "😀"),
    ("mixed scripts", "user:Ωμέγα-😀-東京"),
    ("lone high surrogate becomes U+FFFD", "a\ud800b"),
    ("lone low surrogate becomes U+FFFD", "\udc00"),
    ("high surrogate at end becomes U+FFFD", "x\ud83d"),
    ("NUL byte", "a\u0000b"),
    ("long ASCII", "a" * 101),
]

RUNNING = {
    "key": "checkout-button",
    "status": "running",
    "coverage": 10000,
    "variants": [{"key": "control", "weight": 5000}, {"key": "moved", "weight": 5000}],
}


def with_(base, **changes):
    out = dict(base)
    out.update(changes)
    return out


EXPERIMENTS = {
    "50/50": RUNNING,
    "three variants 20/30/50": with_(RUNNING, key="recommendations", variants=[
        {"key": "control", "weight": 2000}, {"key": "below", "weight": 3000},
        {"key": "sidebar", "weight": 5000, "payload": {"position": "sidebar"}}]),
    "coverage 25%": with_(RUNNING, coverage=2500),
    "custom salt": with_(RUNNING, salt="checkout-2026"),
    "unit attribute deviceId": with_(RUNNING, unitAttribute="deviceId"),
    "layer range [0, 5000)": with_(RUNNING, layer={"key": "checkout-layer", "range": [0, 5000]}),
}

UNITS = ["user-1", "user-2", "user-42", "u-ñandú", "用户-7", "😀-9", "1001", "3f1c9a0e-8b7d-4e2a-9c51-0d6f2b7e8a14"]


def decide(e, context):
    unit_attr = e.get("unitAttribute", "userId")
    unit = context.get(unit_attr)
    control = e["variants"][0]
    def out(variant, reason, b, payload=None):
        return {"variant": variant["key"], "inExperiment": reason == "assigned", "reason": reason,
                "bucket": b, "payload": variant.get("payload")}
    if unit is None:
        return out(control, "missing-unit", None)
    unit = str(unit)
    if e["status"] != "running":
        return out(control, "not-running", None)
    if unit in e.get("overrides", {}):
        forced = next(v for v in e["variants"] if v["key"] == e["overrides"][unit])
        return out(forced, "override", None)
    layer = e.get("layer")
    if layer:
        lb = bucket(layer["key"] + ":" + unit)
        if not (layer["range"][0] <= lb < layer["range"][1]):
            return out(control, "layer", None)
    b = bucket(e.get("salt", e["key"]) + ":" + unit)
    start = 0
    for v in e["variants"]:
        end = start + (e["coverage"] * v["weight"]) // 10000
        if start <= b < end:
            return out(v, "assigned", b)
        start += v["weight"]
    return out(control, "traffic", b)


def decide_cases():
    cases = []
    for name, e in EXPERIMENTS.items():
        attr = e.get("unitAttribute", "userId")
        for unit in UNITS:
            ctx = {attr: unit}
            cases.append({"name": f"{name}: unit {unit}", "experiment": e, "context": ctx, "expected": decide(e, ctx)})
    cases.append({"name": "numeric unit is read as its decimal string", "experiment": RUNNING,
                  "context": {"userId": 1001}, "expected": decide(RUNNING, {"userId": "1001"})})
    cases.append({"name": "missing unit", "experiment": RUNNING, "context": {"deviceId": "d-1"},
                  "expected": decide(RUNNING, {})})
    paused = with_(RUNNING, status="paused")
    cases.append({"name": "paused experiment answers the control", "experiment": paused,
                  "context": {"userId": "user-42"}, "expected": decide(paused, {"userId": "user-42"})})
    forced = with_(RUNNING, overrides={"qa-1": "moved"})
    cases.append({"name": "override forces a variant outside the analysis", "experiment": forced,
                  "context": {"userId": "qa-1"}, "expected": decide(forced, {"userId": "qa-1"})})
    targeted = with_(RUNNING, targeting={"platform": "iOS", "region": {"$in": ["NC", "SC"]}})
    miss = {"userId": "user-42", "platform": "Android", "region": "NC"}
    cases.append({"name": "targeting miss answers the control", "experiment": targeted, "context": miss,
                  "expected": {"variant": "control", "inExperiment": False, "reason": "targeting", "bucket": None, "payload": None}})
    hit = {"userId": "user-42", "platform": "iOS", "region": "NC"}
    cases.append({"name": "targeting hit is allocated", "experiment": targeted, "context": hit,
                  "expected": decide(RUNNING, hit)})
    return cases


def main():
    doc = {
        "specVersion": 1,
        "spec": "hash(s) = MurmurHash3_x86_32(UTF-8(s), seed 0) unsigned; bucket(s) = hash(s) mod 10000; "
                "allocation bucket = bucket(salt + ':' + unit), salt defaults to the experiment key; "
                "layer bucket = bucket(layer.key + ':' + unit); variant i owns [W_i, W_i + floor(c * w_i / 10000))",
        "generatedBy": "python3 packages/sdk/test/vectors/generate-bucketing-vectors.py",
        "hash": [{"name": n, "input": s, "hash": hash_(s), "bucket": bucket(s)} for n, s in HASH_CASES],
        "decide": decide_cases(),
    }
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
