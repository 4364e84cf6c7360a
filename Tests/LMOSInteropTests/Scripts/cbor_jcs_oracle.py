"""Oracle for swift-lmos interop tests: Python's cbor2 and jcs check what swift-lmos wrote, and write CBOR for
swift-lmos to read.

check DIR: for each DIR/N.json (swift-lmos JSON), DIR/N.cbor (its CBOR) and DIR/N.jcs (its JCS):
  - cbor2.loads(N.cbor) equals json.loads(N.json), type for type (int stays int, float stays float);
  - cbor2.dumps(value, canonical=True) (RFC 8949 core deterministic encoding) equals N.cbor byte for byte;
  - jcs.canonicalize(value) equals N.jcs byte for byte.
  Prints a JSON list of mismatches (empty when all agree).
generate DIR COUNT SEED: writes DIR/pN.cbor (cbor2, non-canonical: indefinite lengths, float64, random key order)
  and DIR/pN.json (json.dumps of the same value) for swift-lmos to decode and compare.
"""
import json
import math
import os
import random
import sys

import cbor2
import jcs


def same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


def check(directory):
    problems = []
    names = sorted({f.rsplit(".", 1)[0] for f in os.listdir(directory) if f.endswith(".json")})
    for name in names:
        base = os.path.join(directory, name)
        with open(base + ".json", "rb") as f:
            value = json.loads(f.read())
        with open(base + ".cbor", "rb") as f:
            ours = f.read()
        decoded = cbor2.loads(ours)
        if not same(decoded, value):
            problems.append({"case": name, "check": "cbor2.loads", "expected": repr(value)[:300], "got": repr(decoded)[:300]})
        theirs = cbor2.dumps(value, canonical=True)
        if theirs != ours:
            problems.append({"case": name, "check": "deterministic bytes", "expected": theirs.hex()[:600], "got": ours.hex()[:600]})
        if os.path.exists(base + ".jcs"):
            with open(base + ".jcs", "rb") as f:
                our_jcs = f.read()
            their_jcs = jcs.canonicalize(value)
            if their_jcs != our_jcs:
                problems.append({"case": name, "check": "jcs", "expected": their_jcs.decode()[:600], "got": our_jcs.decode()[:600]})
    print(json.dumps({"checked": len(names), "problems": problems}))


def random_value(rng, depth):
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.choice([0, 1, -1, 23, 24, 255, 256, 65535, 65536, 2**32, -(2**63), 2**63 - 1, rng.randrange(-10**12, 10**12)])
    if kind == 3:
        return rng.choice([0.0, -0.0, 1.0, 1.5, 0.1, 1e300, 5e-324, 65504.0, 3.4028234663852886e38, rng.uniform(-1e6, 1e6)])
    if kind in (4, 5):
        alphabet = "abcxyz é€😀\n\t\"\\/\u0001"
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
    if kind == 6 or kind == 7:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {("k%d" % rng.randrange(1000)) + rng.choice(["", "é", "😀"]): random_value(rng, depth + 1) for _ in range(rng.randrange(5))}


def generate(directory, count, seed):
    rng = random.Random(seed)
    for index in range(count):
        value = random_value(rng, 0)
        encoder_options = {"canonical": False}
        data = cbor2.dumps(value, **encoder_options)
        if index % 3 == 0:
            # Indefinite-length top-level array around the value, which swift-lmos must accept.
            data = b"\x9f" + data + b"\xff"
            value = [value]
        with open(os.path.join(directory, "p%d.cbor" % index), "wb") as f:
            f.write(data)
        with open(os.path.join(directory, "p%d.json" % index), "w") as f:
            json.dump(value, f, ensure_ascii=False)


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2])
    elif sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: cbor_jcs_oracle.py check DIR | generate DIR COUNT SEED")
