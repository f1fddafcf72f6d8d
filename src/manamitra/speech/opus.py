"""OGG Opus voice notes, written in the process: libopus (the Debian package `libopus0`, which
ffmpeg also uses) through ctypes, and an Ogg muxer (RFC 7845, RFC 3533).

libsndfile's Opus writer runs libopus at its slowest setting: ~1.1 s of CPU for an 18-second
reply on our CI machine, where libopus at complexity 0 in 60 ms frames takes ~140 ms, and
starting ffmpeg alone costs ~130 ms (bench/voice.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import struct
from functools import cache

import numpy as np

from manamitra.speech import SpeechUnavailableError

RATES = (8000, 12000, 16000, 24000, 48000)
FRAME_MS = 60  # the longest Opus frame: a third of the calls, and SILK analyses less per second
BITRATE = 24_000  # what WhatsApp's own voice notes use, about
COMPLEXITY = 0  # of 0-10: for speech at 24 kbit/s the higher settings buy little audible
_APPLICATION_VOIP = 2048
_SET_BITRATE = 4002
_SET_COMPLEXITY = 4010
_SET_SIGNAL = 4024
_SIGNAL_VOICE = 3001
_GET_LOOKAHEAD = 4027
_MAX_PACKET = 1500
_PACKETS_PER_PAGE = 50  # one second of audio a page
_VENDOR = b"manamitra"


@cache
def _libopus() -> ctypes.CDLL:
    name = ctypes.util.find_library("opus") or "libopus.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise SpeechUnavailableError("libopus is not installed (apt-get install libopus0)") from exc
    lib.opus_encoder_create.restype = ctypes.c_void_p
    lib.opus_encoder_create.argtypes = [
        ctypes.c_int32,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
    ]
    lib.opus_encode_float.restype = ctypes.c_int32
    lib.opus_encode_float.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_float),
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int32,
    ]
    lib.opus_encoder_destroy.argtypes = [ctypes.c_void_p]
    return lib


def available() -> bool:
    try:
        _libopus()
    except SpeechUnavailableError:
        return False
    return True


def encode_ogg_opus(samples: np.ndarray, rate: int, *, serial: int = 0x4D4D) -> bytes:
    """Mono float samples (-1…1) at one of Opus's rates as an Ogg Opus file."""
    if rate not in RATES:
        raise ValueError(f"Opus takes {RATES} Hz, not {rate}")
    lib = _libopus()
    error = ctypes.c_int(0)
    encoder = lib.opus_encoder_create(rate, 1, _APPLICATION_VOIP, ctypes.byref(error))
    if error.value != 0 or not encoder:
        raise SpeechUnavailableError(f"opus_encoder_create failed ({error.value})")
    try:
        for request, value in (
            (_SET_BITRATE, BITRATE),
            (_SET_COMPLEXITY, COMPLEXITY),
            (_SET_SIGNAL, _SIGNAL_VOICE),
        ):
            lib.opus_encoder_ctl(ctypes.c_void_p(encoder), request, ctypes.c_int32(value))
        lookahead = ctypes.c_int32(0)
        lib.opus_encoder_ctl(ctypes.c_void_p(encoder), _GET_LOOKAHEAD, ctypes.byref(lookahead))
        packets = _encode(lib, encoder, samples, rate)
    finally:
        lib.opus_encoder_destroy(encoder)
    scale = 48000 // rate  # Ogg Opus counts granules at 48 kHz whatever the input rate
    return _mux(packets, lookahead.value * scale, len(samples) * scale, rate, serial)


def _encode(lib: ctypes.CDLL, encoder: int, samples: np.ndarray, rate: int) -> list[bytes]:
    frame = rate * FRAME_MS // 1000
    pcm = np.ascontiguousarray(samples, dtype=np.float32)
    padded = np.zeros(-(-max(len(pcm), 1) // frame) * frame + frame, dtype=np.float32)
    padded[: len(pcm)] = pcm
    out = ctypes.create_string_buffer(_MAX_PACKET)
    base = padded.ctypes.data
    step = frame * padded.itemsize
    float_p = ctypes.POINTER(ctypes.c_float)
    packets: list[bytes] = []
    for offset in range(0, len(padded) * padded.itemsize, step):
        frame_at = ctypes.cast(base + offset, float_p)
        size = lib.opus_encode_float(encoder, frame_at, frame, out, _MAX_PACKET)
        if size < 0:
            raise SpeechUnavailableError(f"opus_encode_float failed ({size})")
        packets.append(out.raw[:size])
    return packets


def _mux(packets: list[bytes], pre_skip: int, samples_48k: int, rate: int, serial: int) -> bytes:
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, rate, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", len(_VENDOR)) + _VENDOR + struct.pack("<I", 0)
    pages = [_page([head], 0, serial, 0, 0x02), _page([tags], 0, serial, 1, 0)]
    per_packet = 48 * FRAME_MS
    end = pre_skip + samples_48k
    sequence = 2
    for first in range(0, len(packets), _PACKETS_PER_PAGE):
        chunk = packets[first : first + _PACKETS_PER_PAGE]
        last = first + len(chunk) >= len(packets)
        granule = (
            min((first + len(chunk)) * per_packet, end)
            if last
            else (first + len(chunk)) * per_packet
        )
        pages.append(_page(chunk, granule, serial, sequence, 0x04 if last else 0))
        sequence += 1
    return b"".join(pages)


def _page(packets: list[bytes], granule: int, serial: int, sequence: int, flags: int) -> bytes:
    lacing = bytearray()
    for packet in packets:
        lacing.extend(b"\xff" * (len(packet) // 255))
        lacing.append(len(packet) % 255)
    header = b"OggS" + struct.pack("<BBqIII", 0, flags, granule, serial, sequence, 0)
    page = bytearray(header + bytes([len(lacing)]) + lacing + b"".join(packets))
    page[22:26] = struct.pack("<I", _crc(page))
    return bytes(page)


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
        table.append(crc & 0xFFFFFFFF)
    return table


_TABLE = _crc_table()


def _crc(data: bytes | bytearray) -> int:
    """Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, no final XOR (unlike zlib's)."""
    crc = 0
    table = _TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ table[((crc >> 24) ^ byte) & 0xFF]
    return crc
