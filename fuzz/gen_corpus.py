#!/usr/bin/env python3
"""Regenerates the seed corpora of the `decode` and `decode_limited` fuzz targets from the golden
vectors (tests/data/golden-vectors.txt and golden-metadata.hex): one file per valid/, decode/,
invalid/ (and invalid-with-limits/, lossy/) vector, plus the metadata blob.

A `decode_limited` seed is the vector behind a 3-byte prefix that picks the tightest limits the
vector still fits (see packr_fuzz::limits_from): max_bytes = 64 * (b0 + 1), max_nodes = b1,
max_depth = 64; 0xff keeps a default. The text corpus is hand-written and not touched here.

Usage: python3 fuzz/gen_corpus.py   (from anywhere; rewrites fuzz/corpus/decode*/)
"""

import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VECTORS = os.path.join(ROOT, "tests", "data", "golden-vectors.txt")
METADATA = os.path.join(ROOT, "tests", "data", "golden-metadata.hex")
CATEGORIES = {"valid", "decode", "invalid", "invalid-with-limits", "lossy"}


def vectors():
    with open(VECTORS, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t", 2)
            name, hexcol = cols[0], cols[1] if len(cols) > 1 else ""
            if name.split("/", 1)[0] not in CATEGORIES:
                continue
            try:
                data = bytes.fromhex(hexcol)
            except ValueError:
                continue  # a len/sha256 summary, not bytes
            yield name, data
    with open(METADATA, encoding="utf-8") as f:
        yield "meta/metadata", bytes.fromhex(f.read().strip())


def limits_prefix(data):
    b0 = max(0, (len(data) + 63) // 64 - 1)
    b0 = b0 if b0 < 0xFF else 0xFF
    count = struct.unpack_from("<I", data, 8)[0] if len(data) >= 12 else 1
    b1 = count if count < 0xFF else 0xFF
    return bytes([b0, b1, 64])


def main():
    out = {t: os.path.join(HERE, "corpus", t) for t in ("decode", "decode_limited")}
    for d in out.values():
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    n = 0
    for name, data in vectors():
        fname = name.replace("/", "-")
        with open(os.path.join(out["decode"], fname), "wb") as f:
            f.write(data)
        with open(os.path.join(out["decode_limited"], fname), "wb") as f:
            f.write(limits_prefix(data) + data)
        n += 1
    print(f"wrote {n} seeds to each of {', '.join(sorted(out))}")


if __name__ == "__main__":
    main()
