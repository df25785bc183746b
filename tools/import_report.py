"""Print the import health of the package: cycles (module and subpackage level) and imports inside functions.

Usage: python tools/import_report.py [package]   (default: newsdigest)
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import grimp


def _sccs(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of size > 1 (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def _in_function_imports(package: str) -> list[str]:
    root = Path(str(__import__(package).__file__)).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if (isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(package))) or (isinstance(node, ast.Import) and any(a.name.startswith(package) for a in node.names)):
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return sorted(set(found))


def main() -> int:
    package = sys.argv[1] if len(sys.argv) > 1 else "newsdigest"
    graph = grimp.build_graph(package, include_external_packages=False)
    modules = {m for m in graph.modules if m.startswith(package)}
    edges: dict[str, set[str]] = {m: set(graph.find_modules_directly_imported_by(m)) for m in modules}
    # A package's __init__ importing its own children is not a cycle worth counting; an edge from a
    # package to a child is kept only when the package __init__ really imports it (grimp records that).
    module_cycles = _sccs(edges)
    sub: dict[str, set[str]] = defaultdict(set)

    def top(m: str) -> str:
        parts = m.split(".")
        return ".".join(parts[:2]) if len(parts) > 1 else m

    for src, dsts in edges.items():
        for dst in dsts:
            if top(src) != top(dst):
                sub[top(src)].add(top(dst))
    sub_cycles = _sccs(dict(sub))
    inner = _in_function_imports(package)
    print(f"module-level cycles (strongly connected groups): {len(module_cycles)}")
    for comp in module_cycles:
        print("   ", " <-> ".join(comp))
    print(f"subpackage-level cycles: {len(sub_cycles)}")
    for comp in sub_cycles:
        print("   ", " <-> ".join(comp))
    print(f"imports of {package} inside functions: {len(inner)} in {len({i.split(':')[0] for i in inner})} files")
    for item in inner:
        print("   ", item)
    return 1 if module_cycles or sub_cycles else 0


if __name__ == "__main__":
    raise SystemExit(main())
