#!/usr/bin/env python3
"""Checks that every README.md code block marked `<!-- from: PATH -->` is still the real code:
for a source file the block must equal the file; for a Markdown file the block must appear in it
(bindings/README.md's snippets are themselves run by the Go and Python tests)."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
readme = (root / "README.md").read_text()
found = 0
failed = 0
for m in re.finditer(r"<!-- from: (\S+) -->\n```\w*\n(.*?)```", readme, re.S):
    path, body = root / m.group(1), m.group(2)
    found += 1
    text = path.read_text()
    ok = (body in text) if path.suffix == ".md" else (body == text)
    if not ok:
        failed += 1
        print(f"README.md: the block marked 'from: {m.group(1)}' no longer matches that file")
if found == 0:
    print("README.md: no marked code blocks found")
    failed += 1
print(f"README snippets: {found - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
