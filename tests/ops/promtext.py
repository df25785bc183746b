"""A strict little parser of the Prometheus text exposition format (0.0.4), for tests of /metrics."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_SAMPLE = re.compile(rf"^({_NAME})(\{{(.*)\}})? (\S+)$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')
_SUFFIXES = ("_bucket", "_sum", "_count")

Labels = frozenset[tuple[str, str]]


class ParseError(ValueError):
    pass


@dataclass
class Family:
    name: str
    help: str | None = None
    type: str | None = None
    samples: dict[tuple[str, Labels], float] = field(default_factory=dict)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "\\": "\\", '"': '"'}.get(m.group(1), "\\" + m.group(1)), value)


def _labels(text: str) -> Labels:
    pairs, pos = [], 0
    while pos < len(text):
        m = _LABEL.match(text, pos)
        if not m:
            raise ParseError(f"bad labels: {text!r}")
        pairs.append((m.group(1), _unescape(m.group(2))))
        pos = m.end()
    if len({k for k, _ in pairs}) != len(pairs):
        raise ParseError(f"duplicate label in {text!r}")
    return frozenset(pairs)


def _value(text: str) -> float:
    if text in ("+Inf", "-Inf", "NaN"):
        return {"+Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}[text]
    return float(text)


def parse(text: str) -> dict[str, Family]:
    """Families by name; every sample must follow its family's # TYPE line."""
    if not text.endswith("\n"):
        raise ParseError("exposition must end with a newline")
    families: dict[str, Family] = {}
    current: Family | None = None
    for line in text.split("\n"):  # not splitlines(): \x85, \u2028 … are legal inside label values
        if not line:
            continue
        if line.startswith(("# HELP ", "# TYPE ")):
            _, kind, name, rest = [*line.split(" ", 3), ""][:4]
            fam = families.setdefault(name, Family(name))
            if kind == "HELP":
                fam.help = rest
            else:
                if rest not in ("counter", "gauge", "histogram", "summary", "untyped"):
                    raise ParseError(f"bad type {rest!r}")
                if fam.samples:
                    raise ParseError(f"# TYPE after samples for {name}")
                fam.type = rest
            current = fam
            continue
        if line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise ParseError(f"bad sample line: {line!r}")
        name, labels = m.group(1), _labels(m.group(3) or "")
        base = name
        if current is not None and current.type == "histogram":
            for suffix in _SUFFIXES:
                if name == current.name + suffix:
                    base = current.name
        if current is None or base != current.name:
            raise ParseError(f"sample {name} outside its family")
        key = (name, labels)
        if key in current.samples:
            raise ParseError(f"duplicate sample {line!r}")
        current.samples[key] = _value(m.group(4))
    return families


def value(families: dict[str, Family], name: str, **labels: str) -> float | None:
    """One sample's value (name may carry a histogram suffix), None when absent."""
    want = frozenset(labels.items())
    for fam in families.values():
        for (sample, lab), v in fam.samples.items():
            if sample == name and lab == want:
                return v
    return None
