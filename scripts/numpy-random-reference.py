"""Writes test/fixtures/numpy-random.json: NumPy's legacy np.random streams, for test/random.test.ts.

Rerun from the repository root with `python3 scripts/numpy-random-reference.py` (needs only numpy).
It seeds the legacy RandomState (np.random.seed / np.random.RandomState, MT19937 seeded by
init_genrand) and records, per seed, the values of rand, randn, normal, uniform, randint,
shuffle and permutation; an interleaved call sequence; a mid-stream state (with a cached
normal) and the draws after it; and the numbers the course prints. Python's json writes floats
with repr, which round-trips exactly, so the tests can compare bit for bit.

It also records a 3000-value randn stream and, by replaying NumPy's polar method in Python,
the few values that would differ if the C library's log were correctly rounded (glibc's is an
ulp off for about 1 argument in 1,300). RandomState takes a correctly rounded log, so the tests
expect those values there; the replay is first checked to reproduce NumPy exactly.
"""

import json
import math
import os
import platform
from decimal import Decimal, localcontext

import numpy as np

SEEDS = [0, 1, 42, 123, 2**32 - 1, 3141592653]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "numpy-random.json")


def floats(a):
    """A float or array as plain Python floats (nested lists for 2-D)."""
    return np.asarray(a, dtype=np.float64).tolist()


def per_seed(seed):
    """The streams for one seed; every entry starts from a freshly seeded generator."""
    rs = np.random.RandomState(seed)
    out = {"seed": seed}
    out["rand"] = [float(rs.rand()) for _ in range(10)]
    rs.seed(seed)
    out["rand_3x4"] = floats(rs.rand(3, 4))
    rs.seed(seed)
    out["rand_n"] = floats(rs.rand(7))
    rs.seed(seed)
    # An odd count ends with a value cached, then the next call must return it.
    out["randn"] = [float(rs.randn()) for _ in range(11)]
    rs.seed(seed)
    out["randn_3x4"] = floats(rs.randn(3, 4))
    rs.seed(seed)
    out["randn_n"] = floats(rs.randn(5))
    rs.seed(seed)
    out["normal"] = {"loc": 2.5, "scale": 0.75, "values": [float(rs.normal(2.5, 0.75)) for _ in range(5)]}
    rs.seed(seed)
    out["normal_3x4"] = {"loc": -1.0, "scale": 3.0, "values": floats(rs.normal(-1.0, 3.0, size=(3, 4)))}
    rs.seed(seed)
    out["uniform"] = {"low": -2.0, "high": 5.0, "values": [float(rs.uniform(-2.0, 5.0)) for _ in range(5)]}
    rs.seed(seed)
    out["uniform_3x4"] = {"low": 10.0, "high": 10.5, "values": floats(rs.uniform(10.0, 10.5, size=(3, 4)))}
    rs.seed(seed)
    ns = [1, 2, 3, 10, 100, 1000, 2**31, 2**32, 2**32 + 1, 2**40, 2**53]
    out["randint"] = {"n": ns, "values": [int(rs.randint(n)) for n in ns]}
    rs.seed(seed)
    out["permutation_10"] = rs.permutation(10).tolist()
    rs.seed(seed)
    deck = list(range(20))
    rs.shuffle(deck)
    out["shuffle_20"] = deck
    return out


def interleaved(seed):
    """One generator driven by a mixed call list, so the gauss cache crosses other calls."""
    calls = [
        ("randn", []), ("rand", []), ("randn", []), ("normal", [1.0, 2.0]), ("uniform", [-1.0, 1.0]),
        ("randn", [3]), ("rand", [2]), ("randn", []), ("normal", [0.0, 0.5, 2, 2]),
        ("uniform", [0.0, 10.0, 1, 3]), ("randint", [6]), ("randn", []), ("rand", [2, 2]), ("randn", [2, 3]),
    ]
    rs = np.random.RandomState(seed)
    out = []
    for name, args in calls:
        fn = getattr(rs, name)
        if name in ("normal", "uniform") and len(args) == 4:
            value = fn(args[0], args[1], size=(args[2], args[3]))
        else:
            value = fn(*args)
        value = int(value) if name == "randint" else floats(value)
        out.append({"fn": name, "args": args, "value": value})
    return {"seed": seed, "calls": out}


def state_checkpoint(seed):
    """The state after draws that leave a normal cached, and what follows it."""
    rs = np.random.RandomState(seed)
    rs.rand(700)  # past one twist of the 624-word key
    rs.randn(3)  # odd: one normal left in the cache
    st = rs.get_state(legacy=False)
    state = {
        "bitGenerator": st["bit_generator"],
        "key": [int(k) for k in st["state"]["key"]],
        "pos": int(st["state"]["pos"]),
        "hasGauss": bool(st["has_gauss"]),
        "gauss": float(st["gauss"]),
    }
    return {"seed": seed, "before": "rand(700) then randn(3)", "state": state, "after_randn_5": floats(rs.randn(5))}


def correctly_rounded_log(x):
    """ln(x) rounded once to the nearest double: Decimal.ln is correctly rounded at 60 digits."""
    with localcontext() as ctx:
        ctx.prec = 60
        return float(Decimal(x).ln())


def randn_long(seed, n):
    """np.random.randn(n), and the values that differ under a correctly rounded log."""
    numpy_values = np.random.RandomState(seed).randn(n).tolist()
    uniform = np.random.RandomState(seed)
    replay, rounded = [], []
    while len(replay) < n:
        # NumPy's legacy_gauss: a point in the unit disc, then f*x2 now and f*x1 cached.
        while True:
            x1 = 2.0 * uniform.random_sample() - 1.0
            x2 = 2.0 * uniform.random_sample() - 1.0
            r2 = x1 * x1 + x2 * x2
            if r2 < 1.0 and r2 != 0.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        g = math.sqrt(-2.0 * correctly_rounded_log(r2) / r2)
        replay += [f * x2, f * x1]
        rounded += [g * x2, g * x1]
    assert replay[:n] == numpy_values, "the replay of legacy_gauss does not reproduce NumPy"
    differ = [[i, rounded[i]] for i in range(n) if rounded[i] != numpy_values[i]]
    return {"seed": seed, "values": numpy_values, "correctly_rounded_log_differs": differ}


def main():
    np.random.seed(0)
    course_randn = [float(np.random.randn()) for _ in range(9)]
    np.random.seed(0)
    rand_3x4 = floats(np.random.rand(3, 4))
    rand_4x1 = floats(np.random.rand(4, 1))
    fixture = {
        "about": "NumPy legacy RandomState streams; regenerate with python3 scripts/numpy-random-reference.py",
        "numpy": np.__version__,
        "platform": f"{platform.system()} {platform.machine()}, {' '.join(platform.libc_ver())}",
        "seeds": [per_seed(s) for s in SEEDS],
        "interleaved": [interleaved(42), interleaved(2**32 - 1)],
        "state": state_checkpoint(7),
        "randn_long": randn_long(2024, 3000),
        "course": {
            "seed0_randn_9": course_randn,
            "seed0_rand_3x4_then_rand_4x1": {"rand_3x4": rand_3x4, "rand_4x1": rand_4x1},
        },
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
