#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into OUT_DIR/<target>/ from the real CE 8.1
fixtures (/work/shared/fixtures or $ACKO_FIXTURES), the examples/ and the crates' test inputs.
Usage: seed_corpora.py OUT_DIR"""
import base64, glob, hashlib, json, os, struct, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fixtures = os.environ.get("ACKO_FIXTURES", "/work/shared/fixtures/aerospike-ce-8.1")
out = sys.argv[1]


def put(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def frame(body, msg_type=1):
    return bytes([2, msg_type]) + struct.pack(">Q", len(body))[2:] + body


# Info replies: every fixture body, as a reply and as a whole frame.
replies = [p for p in glob.glob(os.path.join(fixtures, "**", "*.txt"), recursive=True)]
if not replies:
    sys.exit(f"no fixtures under {fixtures} (set ACKO_FIXTURES)")
for p in replies:
    body = open(p, "rb").read()
    put("asinfo_reply", body)
    put("asinfo_codec", frame(body))
    put("asinfo_codec", body)

# aerospike.conf: the real server's configs and the crate's test fixtures.
for p in glob.glob(os.path.join(fixtures, "configs", "*.conf")) + glob.glob(
    os.path.join(root, "crates/aerospike-conf/tests/fixtures/*.conf")
):
    put("conf_parse", open(p, "rb").read())

# AerospikeCluster YAML: examples/ and the seed documents' examples.
for p in glob.glob(os.path.join(root, "examples", "*.yaml")) + glob.glob(
    os.path.join(root, "crates/acko-api/tests/seed_examples/*.yaml")
):
    put("acko_validate", open(p, "rb").read())

# AQL: each statement of the corpus.
corpus = open(os.path.join(root, "crates/aql/tests/corpus.aql")).read()
for stmt in corpus.split(";"):
    if stmt.strip():
        put("aql_parse", stmt.strip() + ";")

# Lossless values (docs/manager-api.md): plain JSON and every tagged form.
for v in [
    None, True, 42, -1, 9223372036854775807, 1.5, "text", [1, "a", [2]], {"k": 1},
    {"$float": 1.0}, {"$float": "NaN"}, {"$int": "9223372036854775807"},
    {"$bytes": base64.b64encode(b"\x00\x01").decode()}, {"$geo": {"type": "Point", "coordinates": [1, 2]}},
    {"$map": [[1, "a"], [{"$bytes": "AA=="}, 2]]}, {"$hll": "AAAA"}, {"$list": [1, 2]},
    {"name": "x", "age": 3, "tags": ["a"], "score": {"$float": 2.5}},
]:
    put("acm_values", json.dumps(v))

# Cursor tokens: version 1, the fingerprint the target uses, a few partition states.
h = hashlib.sha256()
for part in ["test", "demo"]:
    h.update(struct.pack(">Q", len(part)) + part.encode())
fp = h.digest()[:8]
for begin, count, done_bits, resumes in [(0, 4096, 0, []), (0, 8, 0b1010, [(1, b"\x11" * 20, 7)]), (100, 16, 0xFF, [])]:
    raw = bytes([1]) + fp + struct.pack(">QHH", 5, begin, count)
    bitmap = bytearray((count + 7) // 8)
    for i in range(min(8, count)):
        if done_bits >> i & 1:
            bitmap[i // 8] |= 1 << (i % 8)
    raw += bytes(bitmap) + struct.pack(">H", len(resumes))
    for idx, digest, bval in resumes:
        raw += struct.pack(">HB", begin + idx, 3) + digest + struct.pack(">Q", bval)
    put("acm_cursor", raw)
    put("acm_cursor", base64.urlsafe_b64encode(raw).rstrip(b"="))

for t in sorted(os.listdir(out)):
    print(f"  {t}: {len(os.listdir(os.path.join(out, t)))} seeds")
