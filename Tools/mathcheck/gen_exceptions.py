#!/usr/bin/env python3
"""Rewrites Sources/CGensynRepOps/math_exceptions.c from the checker's exception lists.

Usage: python3 Tools/mathcheck/gen_exceptions.py DIR
DIR holds `<fn>.exc` files written by `mathcheck <fn> --all --exceptions <fn>.exc` (lines
"xbits ybits", hex). Functions without a file keep their current entries.
"""
import os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.normpath(os.path.join(HERE, "../../Sources/CGensynRepOps/math_exceptions.c"))
FUNCTIONS = ["exp", "log", "tanh", "erf", "sigmoid", "rsqrt", "gelu", "gelu_tanh", "silu"]

def current():
    text = open(PATH).read()
    out = {}
    for name in FUNCTIONS:
        m = re.search(r"^TABLE\(%s\b(.*?)\)$" % name, text, re.M | re.S)
        out[name] = re.findall(r"\{0x([0-9a-f]{8})u, 0x([0-9a-f]{8})u\}", m.group(1)) if m else []
    return out

def main():
    src = sys.argv[1]
    tables = current()
    for name in FUNCTIONS:
        p = os.path.join(src, name + ".exc")
        if os.path.exists(p):
            pairs = [tuple(l.split()[:2]) for l in open(p) if l.strip()]
            tables[name] = sorted(set(pairs), key=lambda t: int(t[0], 16))
    head = open(PATH).read().split("TABLE(exp")[0]
    lines = [head.rstrip("\n"), ""]
    for name in FUNCTIONS:
        pairs = tables[name]
        if not pairs:
            lines.append("TABLE(%s)" % name)
            continue
        body = ",\n".join("    {0x%su, 0x%su}" % p for p in pairs)
        lines.append("TABLE(%s,\n%s)" % (name, body))
    open(PATH, "w").write("\n".join(lines) + "\n")
    print({k: len(v) for k, v in tables.items()}, file=sys.stderr)

main()
