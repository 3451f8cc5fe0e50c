"""Metadata of both generations and typed wiring through the Python binding."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import packr

REPO = Path(__file__).resolve().parents[3]
GUESTS = Path(os.environ.get("PACKR_GUEST_DIR", REPO / "target" / "guests" / "wasm"))


def guest(name: str) -> str:
    return str(GUESTS / f"{name}.wasm")


def test_signatures_of_both_generations_and_024_additions():
    b = packr.Builder()
    b.add_package_file("doubler", guest("doubler"))
    b.add_package_file("meta", guest("cur_meta"))
    with b.build() as c:
        sigs = c.signatures("doubler")
        assert ("export", "", "double", "func(n: s64) -> s64") in sigs
        meta = c.signatures("meta")
        # A generic interface parameter (0.24 `type-params`), and an export that uses it (`ref`).
        assert any(k == "type-param" and n == "s" for k, _, n, _ in meta), meta
        assert any(k == "export" and n == "put" and t == "func(v: s) -> s" for k, _, n, t in meta), meta
        # Maps and sets in 0.24 metadata.
        inv = [t for k, _, n, t in meta if n == "make_inventory"]
        assert inv and "map<string, u32>" in inv[0] and "set<string>" in inv[0], inv
        # The raw metadata decodes too (CGRF v3), type-params field included.
        assert "type-params" in c.types("meta").text()


def test_mismatched_wires_fail_unless_unchecked():
    def build(unchecked: bool):
        b = packr.Builder()
        b.add_package_file("adder", guest("adder"))
        b.add_package_file("d", guest("cur_doubler"))
        (b.wire_unchecked if unchecked else b.wire)("adder", "math", "double", "d", "shout")
        return b.build()

    with pytest.raises(packr.LinkError, match="signature mismatch.*func\\(s: string\\) -> string"):
        build(False)
    build(True).close()
