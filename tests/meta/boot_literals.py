# SPDX-License-Identifier: GPL-2.0-or-later
"""Find kernel-address literals in test files.

Every boot of the sample kernel gets a new KASLR slide, so a kernel address
written into a test (16 hex digits starting ffff) is true of one boot only.
Tests must take addresses from crash's answer or from the dump at test time.
A literal is accepted only when a comment on the same line says why it does
not depend on the boot (a synthetic fixture, a documented constant): the
comment must hold at least MIN_WORDS words.  All-ones (ffffffffffffffff) is
not an address and is always accepted.

usage: boot_literals.py [PATH...]   (default: the repository's tests/)
Exit status 1 and one line per literal when any is found.
"""

import re
import sys
from pathlib import Path

LITERAL = re.compile(r"(?<![0-9A-Za-z_])(?:0x)?(ffff[0-9a-f]{12})(?![0-9a-f])",
                     re.I)
NOT_AN_ADDRESS = {"ffffffffffffffff"}
MIN_WORDS = 3
SUFFIXES = {".py", ".c", ".h", ".sh", ".txt", ".json"}
# Comment syntax per file kind: (line comment starters, block comment).
PY_COMMENT = re.compile(r"#(.*)$")
C_COMMENT = re.compile(r"//(.*)$|/\*(.*?)(?:\*/|$)")


def comment_of(line, suffix):
    """The text of the comment on LINE ('' when there is none).  A '#'
    inside a string literal is not recognised as such; that only makes
    the check stricter."""
    if suffix in (".c", ".h"):
        m = C_COMMENT.search(line)
        return (m.group(1) or m.group(2) or "") if m else ""
    m = PY_COMMENT.search(line)
    return m.group(1) if m else ""


def explains(comment):
    return len(re.findall(r"[A-Za-z]{2,}", comment)) >= MIN_WORDS


def scan_text(text, suffix=".py"):
    """[(line number, literal, line)] of the unexplained literals."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        lits = [m.group(1).lower() for m in LITERAL.finditer(line)]
        lits = [x for x in lits if x not in NOT_AN_ADDRESS]
        if lits and not explains(comment_of(line, suffix)):
            found += [(n, x, line.strip()) for x in lits]
    return found


def scan(paths):
    """[(path, line number, literal, line)] under PATHS (files or dirs)."""
    out = []
    for root in map(Path, paths):
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*") if p.is_file())
        for f in files:
            if f.suffix not in SUFFIXES or "__pycache__" in f.parts:
                continue
            text = f.read_text(errors="replace")
            out += [(f, *hit) for hit in scan_text(text, f.suffix)]
    return out


def main(argv):
    paths = argv or [Path(__file__).resolve().parents[1]]
    hits = scan(paths)
    for f, n, lit, line in hits:
        print(f"{f}:{n}: kernel address literal {lit} (boot-specific? take it "
              f"from crash or the dump, or say on the line why it is not): "
              f"{line}")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
