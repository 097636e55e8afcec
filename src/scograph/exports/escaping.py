"""Values as XML text and attributes, for the GraphML and GEXF writers (and discourse's dynamic GEXF)."""

from __future__ import annotations

import math
import re
from typing import Any

# Characters XML 1.0 forbids (and the C1 controls): removed, never escaped.
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
_NOT_XML = re.compile(f"[{_FORBIDDEN}]")
# Most text needs no change at all: one search finds the few that do (a writer's hot path).
_TEXT_WORK = re.compile(f"[{_FORBIDDEN}&<>]")
_ATTRIBUTE_WORK = re.compile(f'[{_FORBIDDEN}&<>"\n\r\t]')


def spelt(value: Any) -> str:
    """A typed scalar spelt the XML Schema way (``true``, ``3.0``, ``NaN``), forbidden characters removed."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value) if math.isfinite(value) else ("NaN" if value != value else ("INF" if value > 0 else "-INF"))
    else:
        text = str(value)
    return _NOT_XML.sub("", text)


def xml_text(value: Any) -> str:
    """A value as XML character data."""
    if type(value) is str and _TEXT_WORK.search(value) is None:
        return value
    return spelt(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ATTRIBUTE_ESCAPES = str.maketrans({'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def xml_attr(value: Any) -> str:
    """A value as a double-quoted XML attribute (white space kept as character references)."""
    if type(value) is str and _ATTRIBUTE_WORK.search(value) is None:
        return '"' + value + '"'
    return '"' + xml_text(value).translate(_ATTRIBUTE_ESCAPES) + '"'
