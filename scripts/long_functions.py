#!/usr/bin/env python3
"""Lists the Rust functions of src/ whose bodies run over a limit (60 lines
by default), longest first, and their count, so that the house rule
"functions stay under ~60 lines" can be measured.

A function is counted from its `fn` line to its closing brace, both
included; braces inside strings, characters and comments are skipped.
Tests (`#[cfg(test)]` modules) count like any other code.

    python3 scripts/long_functions.py [--limit 60] [PATH ...]
"""
import argparse
import os
import re
import sys

FN = re.compile(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)")


def code_only(text):
    """The text with strings, chars and comments blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif re.match(r'(b?r)(#*)"', text[i:i + 12]) and (i == 0 or not text[i - 1].isalnum()):
            m = re.match(r'(b?r)(#*)"', text[i:])
            end = '"' + m.group(2)
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('{', '\\n', '\u{7b}') or a lifetime ('a).
            m = re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|[^\\'])'", text[i:])
            if m:
                out.append(" " * m.end())
                i += m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    """(name, first line, length in lines) of each function with a body."""
    code = code_only(open(path, encoding="utf-8").read())
    found = []
    for m in FN.finditer(code):
        # The body opens at the first "{" after the signature, unless a ";"
        # ends it first (a trait method without a body).
        brace, semi = code.find("{", m.end()), code.find(";", m.end())
        if brace < 0 or (0 <= semi < brace):
            continue
        depth, j = 0, brace
        while j < len(code):
            if code[j] == "{":
                depth += 1
            elif code[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        first = code.count("\n", 0, m.start()) + 1
        last = code.count("\n", 0, j) + 1
        found.append((m.group(1), first, last - first + 1))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    paths = args.paths or [os.path.join(root, "src")]
    files = []
    for p in paths:
        if os.path.isdir(p):
            for d, _, names in os.walk(p):
                files += [os.path.join(d, f) for f in names if f.endswith(".rs")]
        else:
            files.append(p)
    long = []
    for f in sorted(files):
        rel = os.path.relpath(f, root)
        long += [(n, rel, line, size) for n, line, size in functions(f) if size > args.limit]
    long.sort(key=lambda x: (-x[3], x[1], x[2]))
    for name, rel, line, size in long:
        print(f"{size:5}  {rel}:{line}  {name}")
    print(f"{len(long)} function(s) over {args.limit} lines")


if __name__ == "__main__":
    sys.exit(main())
