#!/usr/bin/env python3
"""Fail when the modules under src/ import each other in a cycle.

The pipeline's data flows one way (model <- read <- check <- consolidate <-
output <- commands), so the graph of `crate::` references between top-level
modules of src/ (a folder such as src/check/ or a file such as src/config.rs)
must have no cycle. References inside one top-level module are not edges.

The model (src/model/) is the base every stage shares: it must import no
other module at all.

Reads every `use crate::...` (with `{...}` groups) and every inline
`crate::x::...` path in src/, skipping comments. Prints each cycle found and
exits 1; exits 0 when the graph is acyclic.

Usage: scripts/check_imports.py [path/to/src]
       scripts/check_imports.py --self-test   (the checker on made-up trees)
"""

import re
import sys
import tempfile
from pathlib import Path

BASE = "model"
PATH = re.compile(r"\bcrate::([A-Za-z_][A-Za-z0-9_]*)")
GROUP = re.compile(r"\bcrate::\{([^}]*)\}", re.S)


def top_module(src: Path, file: Path) -> str:
    """The top-level module a file belongs to: `src/check/x.rs` -> `check`."""
    rel = file.relative_to(src)
    if len(rel.parts) > 1:
        return rel.parts[0]
    stem = rel.stem
    return "crate" if stem in ("lib", "main") else stem


def strip_comments(text: str) -> str:
    """Drops // comments (doc comments too) and /* */ blocks; string literals
    that contain `crate::` are rare enough to be harmless here."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def references(text: str) -> set[str]:
    """First path segment of every `crate::` reference, groups included."""
    names = set(PATH.findall(text))
    for group in GROUP.findall(text):
        for item in group.split(","):
            first = item.strip().split("::", 1)[0].strip()
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", first):
                names.add(first)
    return names


def graph(src: Path) -> dict[str, set[str]]:
    modules = {top_module(src, f) for f in src.rglob("*.rs")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for file in sorted(src.rglob("*.rs")):
        here = top_module(src, file)
        for name in references(strip_comments(file.read_text(encoding="utf-8"))):
            if name in modules and name != here and name != "crate":
                edges[here].add(name)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """Each strongly connected component with more than one module (Tarjan),
    with one of its cycles as a path that returns to its start."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [(sorted(c), one_cycle(edges, set(c))) for c in components]


def one_cycle(edges: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module (breadth-first)."""
    start = min(component)
    previous: dict[str, str] = {}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges[v] & component):
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [start] + path[::-1][1:] + [start]
            if w not in previous:
                previous[w] = v
                queue.append(w)
    return sorted(component)


def self_test() -> int:
    """Checks the checker: a clean tree passes; a cycle through a `use`
    group, an inline path, or the model importing a stage, fails."""
    cases = {
        "clean": ({"lib.rs": "mod a;", "model/mod.rs": "", "read/mod.rs": "use crate::model::x;",
                   "check/mod.rs": "use crate::{model::y, read::z};"}, False),
        "group cycle": ({"read/mod.rs": "use crate::{check::a, model::b};",
                         "check/mod.rs": "use crate::read::c;"}, True),
        "inline cycle": ({"output/mod.rs": "fn f() { crate::mail::g() }",
                          "mail/mod.rs": "use crate::output::commit;"}, True),
        "model imports a stage": ({"model/mod.rs": "use crate::read::Book;", "read/mod.rs": ""}, True),
        "comments do not count": ({"model/mod.rs": "// crate::read::x\n/// crate::read::y",
                                   "read/mod.rs": "use crate::model::z;"}, False),
    }
    failed = 0
    for name, (files, should_fail) in cases.items():
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp)
            for rel, text in files.items():
                (src / rel).parent.mkdir(parents=True, exist_ok=True)
                (src / rel).write_text(text, encoding="utf-8")
            edges = graph(src)
            fails = bool(cycles(edges)) or bool(edges.get(BASE))
        if fails != should_fail:
            failed += 1
            print(f"self-test failed: {name}: expected {'a failure' if should_fail else 'a pass'}")
    print(f"self-test: {len(cases) - failed}/{len(cases)} cases right")
    return 1 if failed else 0


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "src"
    edges = graph(src)
    found = cycles(edges)
    base = edges.get(BASE, set())
    if base:
        print(f"{BASE} imports {', '.join(sorted(base))}: the shared model must import no stage")
    for members, cycle in found:
        print(f"import cycle among {', '.join(members)}")
        print("  for example: " + " -> ".join(cycle))
    if found or base:
        return 1
    print(f"no import cycle among {len(edges)} top-level modules of {src}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
