"""Two PDFs compared object by object: what a reader gets out of each object, not the bytes a
compressor happened to write. Streams are compared decoded, and a CIDToGIDMap as the map it
stands for (a map stream may stop after its last code: the codes past it are never shown)."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

FULL_CID_MAP = 2 * 65536


def _plain(value: Any) -> Any:
    """`value` with references as their object numbers, so two files' objects compare."""
    if isinstance(value, IndirectObject):
        return ("ref", value.idnum, value.generation)
    if isinstance(value, DictionaryObject):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, ArrayObject):
        return [_plain(item) for item in value]
    return value


def objects(pdf: bytes) -> dict[int, Any]:
    """Every object of `pdf` by number: dictionaries with references as numbers, streams as
    their dictionary (less /Length) and decoded data, CIDToGIDMaps padded with
    zeros to all 65,536 codes. The trailer is object 0, less /ID."""
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    cid_maps: set[int] = set()
    found: dict[int, Any] = {}
    for number in range(1, int(reader.trailer["/Size"])):
        value = reader.get_object(number)
        if isinstance(value, DictionaryObject) and "/CIDToGIDMap" in value:
            ref = value.raw_get("/CIDToGIDMap")
            if isinstance(ref, IndirectObject):
                cid_maps.add(ref.idnum)
        found[number] = value
    plain: dict[int, Any] = {}
    for number, value in found.items():
        if isinstance(value, StreamObject):
            header = _plain(value)
            header.pop("/Length", None)
            data = value.get_data()
            if number in cid_maps:
                assert len(data) <= FULL_CID_MAP
                data += bytes(FULL_CID_MAP - len(data))
            plain[number] = (header, data)
        else:
            plain[number] = _plain(value)
    trailer = _plain(reader.trailer)
    trailer.pop("/ID", None)
    plain[0] = trailer
    return plain
