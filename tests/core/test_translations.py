"""SYS-1 (UI): the UI is zh-Hans with English available through the language switch.

requirements.md has no ID of its own for the languages; like ``test_ops.py`` these tests cite SYS-1
(UI), and the language pair comes from the shared architecture ("zh-Hans is the default language,
English the second"). Every UI string is a Chinese msgid, so an English entry that is fuzzy or empty
shows Chinese under English, and a committed ``django.mo`` that lags behind ``django.po`` shows the
old text. The .po is read with a small parser here (no extra dependency) and the .mo with
:class:`gettext.GNUTranslations`, the way Django loads it.
"""

import gettext
import io
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import kefu

LC_MESSAGES = Path(kefu.__file__).parent / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

# %(name)s, %(n)d, %s, %5.2f ...; "%%" is a literal percent sign, not a placeholder
PERCENT = re.compile(r"%(?:\((?P<name>\w+)\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    previous: bool = False  # has "#|" previous-msgid lines, left behind by msgmerge's fuzzy matching
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # form index -> text; 0 for a singular entry

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(literal: str) -> str:
    literal = literal.strip()
    assert literal.startswith('"') and literal.endswith('"'), literal
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m[1], m[0]), literal[1:-1])


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file, header first; obsolete (#~) entries are left out. Entries are
    separated by blank lines, as xgettext, msgmerge and Django's makemessages write them."""
    entries = []
    number = 1
    for block in re.split(r"\n[ \t]*\n", text):
        entry, target = Entry(line=number), None
        for offset, line in enumerate(block.splitlines()):
            where = f"line {number + offset}"
            if line.startswith("#~") or not line.strip():
                continue
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif line.startswith("#|"):
                entry.previous = True
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                assert target is not None, f"{where}: a string outside any field"
                name, index = target
                if name == "msgstr":
                    entry.msgstr[index] += _unquote(line)
                else:
                    setattr(entry, name, getattr(entry, name) + _unquote(line))
            else:
                keyword, _, literal = line.partition(" ")
                plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
                if keyword == "msgstr" or plural:
                    index = int(plural[1]) if plural else 0
                    entry.msgstr[index] = _unquote(literal)
                    target = ("msgstr", index)
                elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                    assert not entry.msgstr, f"{where}: {keyword} after msgstr (missing blank line?)"
                    setattr(entry, keyword, _unquote(literal))
                    target = (keyword, 0)
                else:
                    raise AssertionError(f"{where}: unexpected {keyword!r}")
        if entry.msgstr:
            entries.append(entry)
        number += block.count("\n") + 2
    return entries


def nplurals(entries: list[Entry]) -> int:
    header = entries[0]
    assert header.msgid == "", "the catalogue must start with its header"
    found = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    return int(found[1]) if found else 2


def placeholders(text: str, flags: set[str]) -> list[str]:
    """Named %-placeholders always (sorted, so a translation may reorder them); positional ones and
    brace fields only in entries marked as that format (in order: they are filled by position)."""
    specs = [m for m in PERCENT.finditer(text) if m[0] != "%%"]
    found = sorted({m[0] for m in specs if m["name"]})
    if "python-format" in flags:
        found += [m[0] for m in specs if not m["name"]]
    if "python-brace-format" in flags:
        found += sorted(set(BRACE.findall(text)))
    return found


def translated(entry: Entry, forms: int) -> bool:
    """Whether msgfmt puts the entry in the .mo: not fuzzy and every form filled in."""
    wanted = range(forms) if entry.msgid_plural is not None else range(1)
    return "fuzzy" not in entry.flags and all(entry.msgstr.get(i) for i in wanted)


def catalogue_problems(entries: list[Entry]) -> list[str]:
    forms = nplurals(entries)
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.label} is fuzzy")
        if entry.previous:
            problems.append(f"{entry.label} still has '#|' previous-msgid lines")
        if entry.msgid == "":
            continue
        wanted = list(range(forms)) if entry.msgid_plural is not None else [0]
        if sorted(entry.msgstr) != wanted:
            problems.append(f"{entry.label} has msgstr forms {sorted(entry.msgstr)}, expected {wanted}")
        for index in wanted:
            text = entry.msgstr.get(index, "")
            if not text:
                problems.append(f"{entry.label} has an empty msgstr[{index}]")
                continue
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            if placeholders(text, entry.flags) != placeholders(source, entry.flags):
                problems.append(
                    f"{entry.label}: placeholders {placeholders(text, entry.flags)} in msgstr[{index}] "
                    f"differ from {placeholders(source, entry.flags)} in the msgid"
                )
    return problems


def mo_problems(entries: list[Entry], mo: bytes) -> list[str]:
    """Differences between the compiled catalogue and what msgfmt would make of ``entries``."""
    forms = nplurals(entries)
    catalogue = gettext.GNUTranslations(io.BytesIO(mo))
    problems = []
    endian = "<" if struct.unpack("<I", mo[:4])[0] == 0x950412DE else ">"
    count = struct.unpack(endian + "I", mo[8:12])[0]
    expected = sum(translated(e, forms) for e in entries)
    if count != expected:
        problems.append(
            f"the .mo holds {count} messages, the .po has {expected} translated (with the header)"
        )
    for entry in entries:
        if entry.msgid == "":
            continue
        done = translated(entry, forms)
        if entry.msgid_plural is None:
            want = entry.msgstr[0] if done else entry.msgid
            got = (
                catalogue.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt is not None
                else catalogue.gettext(entry.msgid)
            )
            if got != want:
                problems.append(f"{entry.label}: the .mo gives {got!r}, the .po {want!r}")
            continue
        want_forms = {entry.msgstr[i] for i in range(forms)} if done else {entry.msgid, entry.msgid_plural}
        if entry.msgctxt is not None:
            got_forms = {
                catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in range(100)
            }
        else:
            got_forms = {catalogue.ngettext(entry.msgid, entry.msgid_plural, n) for n in range(100)}
        if got_forms != want_forms:
            problems.append(f"{entry.label}: the .mo gives {sorted(got_forms)}, the .po {sorted(want_forms)}")
    return problems


def test_english_catalogue_is_complete():
    """SYS-1 (UI): no English entry is fuzzy or empty, and every translation keeps its placeholders."""
    entries = parse_po(PO.read_text(encoding="utf-8"))
    assert len(entries) > 1000, "the parser found too few entries"
    assert catalogue_problems(entries) == []


def test_compiled_catalogue_matches_the_po():
    """SYS-1 (UI): the committed django.mo is compiled from the committed django.po (run msgfmt)."""
    entries = parse_po(PO.read_text(encoding="utf-8"))
    assert mo_problems(entries, MO.read_bytes()) == []


def test_the_checks_catch_fuzzy_empty_and_changed_entries():
    """SYS-1 (UI): the checks above fail on a fuzzy entry, an empty msgstr, a lost placeholder and a
    .mo that does not match."""
    text = PO.read_text(encoding="utf-8")
    broken, fuzzy = re.subn(r"\n#, python-format\n", "\n#, fuzzy, python-format\n", text, count=1)
    broken, lost = re.subn(r'(\nmsgstr "[^"\n]*)%\((\w+)\)', r"\1%(\2_x)", broken, count=1)
    broken, emptied = re.subn(
        r'\n(msgid "[^"\n%]+"\n)msgstr "[^"\n%]+"\n', r'\n\1msgstr ""\n', broken, count=1
    )
    assert (fuzzy, lost, emptied) == (1, 1, 1)
    problems = catalogue_problems(parse_po(broken))
    assert any(p.endswith(" is fuzzy") for p in problems)
    assert any("placeholders" in p for p in problems)
    assert any("empty msgstr[0]" in p for p in problems)
    assert len(problems) == 3
    assert len(mo_problems(parse_po(broken), MO.read_bytes())) >= 3
