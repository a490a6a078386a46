"""JSON as `json.dump(..., indent=2)` writes it, to the byte, from pydantic's serializer.

`holdwatch audit` prints every finding; `json.dump` with an indent runs the pure-Python
encoder, and the dicts `model_dump` builds first cost as much again. Pydantic's own
`dump_json(indent=2)` writes the same layout from the models directly; it leaves text
outside ASCII as UTF-8 where `json` (`ensure_ascii`) writes `\\uXXXX` escapes (a
surrogate pair past U+FFFF, and DEL too), so those are escaped here as `json` escapes them.
"""

from __future__ import annotations

import re

_NOT_ASCII = re.compile("[^\x00-\x7e]")


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def ascii_json(encoded: bytes | str) -> str:
    """Pydantic's indented JSON as `json.dumps(..., indent=2)` would write it."""
    text = encoded.decode() if isinstance(encoded, bytes) else encoded
    return _NOT_ASCII.sub(_escape, text)
