"""Bytes of a dump → clean text, with a warning for anything that needed guessing.

Pure: takes bytes, returns text and warnings. Never raises on any input.
"""
import re
import unicodedata
from dataclasses import dataclass, field

# A dump larger than this is not a copied page; reading it would only stall the build.
MAX_DUMP_BYTES = 20 * 1024 * 1024

# C0/C1 control characters other than tab and newline, plus zero-width and bidi marks that
# copy-paste drags along; they are invisible and break matching.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\ufeff]")


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


@dataclass
class ReadResult:
    text: str | None            # None: nothing to normalize in this file
    warnings: list[str] = field(default_factory=list)


def looks_binary(data: bytes) -> bool:
    """A NUL byte or a high share of control bytes means this is no text dump."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return len(sample) > 0 and controls / len(sample) > 0.10


def decode(data: bytes) -> tuple[str, str | None]:
    """Return (text, warning). UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as
    they are; anything else is decoded as Windows-1252 (a superset of Latin-1 for printable
    text), with a warning, since that is what old Windows tools save."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        where = data[: err.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        return text, (f"not valid UTF-8 (first bad byte on line {where}); read as Windows-1252/Latin-1. "
                      "Re-save the file as UTF-8 if any characters look wrong.")


def clean(text: str) -> str:
    """Normalize newlines, drop invisible control characters, and compose Unicode (NFC)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def too_big(size: int) -> str:
    return (f"the file is {size // (1024 * 1024)} MB, larger than the {MAX_DUMP_BYTES // (1024 * 1024)} MB a "
            "copied news page can be; skipped. Split it into one file per page.")


def read_dump(data: bytes) -> ReadResult:
    if not data.strip():
        return ReadResult(None, ["the file is empty; nothing to normalize"])
    if len(data) > MAX_DUMP_BYTES:
        return ReadResult(None, [too_big(len(data))])
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and looks_binary(data):
        return ReadResult(None, ["the file looks binary, not text; skipped. "
                                 "Save the page as plain text (.txt) to normalize it."])
    text, warning = decode(data)
    return ReadResult(clean(text), [warning] if warning else [])
