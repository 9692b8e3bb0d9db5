"""Read the package's declarative records, ``layers/records/*.toml``, into frozen dataclasses.

Style rule 1 says nothing in ``layers/`` reads files; this module is the one exception, and a
narrow one: it reads only the package's own record files (shipped beside it and opened through
:mod:`importlib.resources`, never a path from the user or the data folder), each a list of
``[[table]]`` records that would otherwise be dataclass calls written out in Python.

A record file holds

* ``[[indicator]]`` (or ``[[source]]``) tables, one a record, with exactly the fields the record
  states; the dataclass's defaults give the rest;
* optionally ``[phrases]``: words several of its records share, each named once;
* optionally ``[derived]``: the fields every record with ``based_on = "<id>"`` changes of that
  earlier record (the IoD2019 recast of an IoD2025 record), before the record's own fields.

A text field may name a phrase as ``{NAME}``: one of the caller's phrases (values the code owns,
such as :data:`layers.indicator.BY_OA_RESIDENTS`) or one of the file's own. A field whose type
is named in ``refs`` (an indicator's :class:`~layers.sources.Source`) is given by name
(``source = "IOD2025"``). Anything else is refused with a one-line :class:`ValueError` naming the
file, the record and the problem, with a fix: an unknown field, a missing one, a wrong type, a
duplicate id, an unknown name or phrase; and what the dataclass's own checks refuse (an empty
field, a palette it does not know) is said with the file and record named.

This module imports nothing from :mod:`layers`, so :mod:`layers.sources` can read its own records
through it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, fields
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

R = TypeVar("R")

#: The folder of record files, inside the package.
FOLDER = "records"
#: A phrase named in a record's text: ``{BY_OA_RESIDENTS}``.
_PHRASE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NONE: Mapping[Any, Any] = MappingProxyType({})


def load(name: str, table: str, cls: type[R], *, key: str = "id", phrases: Mapping[str, str] = _NONE,
         refs: Mapping[type, Mapping[str, object]] = _NONE) -> dict[str, R]:
    """The records of ``layers/records/<name>``, by their ``key``, in the file's order (see :func:`parse`)."""
    text = (files("layers") / FOLDER / name).read_text(encoding="utf-8")
    return parse(text, f"layers/{FOLDER}/{name}", table, cls, key=key, phrases=phrases, refs=refs)


def parse(text: str, where: str, table: str, cls: type[R], *, key: str = "id", phrases: Mapping[str, str] = _NONE,
          refs: Mapping[type, Mapping[str, object]] = _NONE) -> dict[str, R]:
    """The ``[[table]]`` records of the TOML ``text`` (read from ``where``) as ``cls`` instances, by ``key``.

    ``key`` names each record: a field of ``cls`` (``id``), or a name the file alone gives
    (``name = "IOD2025"``, which the record does not carry). ``phrases`` are the caller's ``{NAME}``
    phrases; ``refs`` gives, for a field type, the records a field of that type names.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{where}: not valid TOML ({error}); fix the syntax at that place") from None
    unknown = sorted(set(document) - {table, "phrases", "derived"})
    if unknown:
        raise ValueError(f"{where}: unknown top-level table(s) {unknown}; a record file holds [[{table}]], "
                         "[phrases] and [derived] only")
    for part, kind, form in (("phrases", dict, "[phrases]"), ("derived", dict, "[derived]"),
                             (table, list, f"[[{table}]]")):
        if not isinstance(document.get(part, kind()), kind):
            raise ValueError(f"{where}: {part} is not a table; write it as {form}")
    reader = _Reader(where, cls, refs)
    own = document.get("phrases", {})
    clash = sorted(set(own) & set(phrases))
    if clash:
        raise ValueError(f"{where}: phrase(s) {clash} are the code's already; rename the file's own")
    table_of = {**phrases, **{name: reader.phrase(name, value, phrases) for name, value in own.items()}}
    derived = reader.fields("[derived]", document.get("derived", {}), table_of, partial=True)
    records: dict[str, Any] = {}
    for number, raw in enumerate(document.get(table, []), start=1):
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: {table} #{number} is not a table; write it as [[{table}]]")
        raw = dict(raw)
        label = f"{table} {raw.get(key, f'#{number}')!r}"
        name = raw.pop(key, None) if key not in reader.hints else raw.get(key)
        if not isinstance(name, str) or not name:
            raise ValueError(f"{where}: {label}: no {key}; give every [[{table}]] its {key} = \"...\"")
        if name in records:
            raise ValueError(f"{where}: {label}: the {key} is used twice; give each record its own {key}")
        base = raw.pop("based_on", None)
        values = reader.fields(label, raw, table_of, partial=base is not None)
        if base is not None:
            values = reader.derive(label, base, records, derived, values)
        try:
            records[name] = cls(**values)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{where}: {label}: {str(error).removeprefix(f'{label}: ')}") from None
    unused = sorted(n for n in own if f"{{{n}}}" not in text)
    if unused:
        raise ValueError(f"{where}: phrase(s) {unused} named by no record; remove them")
    return records


class _Reader:
    """Checks and converts one file's fields against the dataclass's fields and types."""

    def __init__(self, where: str, cls: type, refs: Mapping[type, Mapping[str, object]]) -> None:
        self.where, self.cls, self.refs = where, cls, refs
        self.hints = get_type_hints(cls)
        self.required = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]

    def fail(self, label: str, problem: str) -> ValueError:
        return ValueError(f"{self.where}: {label}: {problem}")

    def phrase(self, name: str, value: object, phrases: Mapping[str, str]) -> str:
        if not isinstance(value, str):
            raise self.fail(f"phrase {name!r}", f"is {type(value).__name__}, not text; quote it")
        return self.interpolate(f"phrase {name!r}", value, phrases)

    def interpolate(self, label: str, text: str, phrases: Mapping[str, str]) -> str:
        def one(match: re.Match[str]) -> str:
            if match[1] not in phrases:
                raise self.fail(label, f"unknown phrase {{{match[1]}}}; use one of {sorted(phrases)} or add it "
                                       "to the file's [phrases]")
            return phrases[match[1]]
        return _PHRASE.sub(one, text)

    def fields(self, label: str, raw: Mapping[str, object], phrases: Mapping[str, str], *,
               partial: bool) -> dict[str, object]:
        unknown = sorted(set(raw) - set(self.hints))
        if unknown:
            raise self.fail(label, f"unknown field(s) {unknown}; the fields are {sorted(self.hints)}")
        missing = [] if partial else [name for name in self.required if name not in raw]
        if missing:
            raise self.fail(label, f"missing field(s) {missing}; every record states {self.required}")
        return {name: self.value(label, name, value, phrases) for name, value in raw.items()}

    def value(self, label: str, name: str, value: object, phrases: Mapping[str, str]) -> object:
        kind = self.hints[name]
        if kind in self.refs:
            known = self.refs[kind]
            if not isinstance(value, str) or value not in known:
                raise self.fail(label, f"{name} {value!r} is not a known {kind.__name__}; name one of {sorted(known)}")
            return known[value]
        if kind is bool:
            ok = isinstance(value, bool)
        elif kind is float:
            ok = _is_number(value)
            value = float(value) if ok else value  # type: ignore[arg-type]
        elif kind is str or get_origin(kind) is Literal:
            ok = isinstance(value, str)
            if ok and get_origin(kind) is Literal and value not in get_args(kind):
                raise self.fail(label, f"{name} {value!r} is not one of {get_args(kind)}")
            value = self.interpolate(f"{label}, {name}", value, phrases) if ok else value  # type: ignore[arg-type]
        elif get_origin(kind) is tuple and all(a is float for a in get_args(kind)):
            ok = isinstance(value, list) and len(value) == len(get_args(kind)) and all(map(_is_number, value))
            value = tuple(float(v) for v in value) if ok else value  # type: ignore[union-attr]
        else:
            raise self.fail(label, f"{name}: a {kind} cannot be written in a record file")
        if not ok:
            raise self.fail(label, f"{name} is {type(value).__name__} {value!r}, not {_spoken(kind)}; "
                                   f"write it as {_example(kind)}")
        return value

    def derive(self, label: str, base: object, records: Mapping[str, object], derived: Mapping[str, object],
               own: Mapping[str, object]) -> dict[str, object]:
        if not isinstance(base, str) or base not in records:
            raise self.fail(label, f"based_on {base!r} is no earlier record; name one of {sorted(records)}")
        if not derived:
            raise self.fail(label, "based_on needs the file's [derived] table (the fields every derived record "
                                   "changes); add it")
        fixed = sorted(set(own) & set(derived))
        if fixed:
            raise self.fail(label, f"field(s) {fixed} are set for every derived record by [derived]; remove them")
        return {**{f.name: getattr(records[base], f.name) for f in fields(self.cls)}, **derived, **own}


def _is_number(value: object) -> bool:
    """An int or float, not a bool (TOML writes ``0`` and ``0.0``; a float field takes either)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _spoken(kind: object) -> str:
    if get_origin(kind) is tuple:
        return f"a list of {len(get_args(kind))} numbers"
    return {bool: "true or false", float: "a number"}.get(kind, "text")  # type: ignore[arg-type]


def _example(kind: object) -> str:
    if get_origin(kind) is tuple:
        return "[" + ", ".join("0.0" for _ in get_args(kind)) + "]"
    return {bool: "true", float: "0.5"}.get(kind, '"..."')  # type: ignore[arg-type]
