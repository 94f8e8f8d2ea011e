"""Checks that screenshots are not blank: decodes each PNG (8-bit RGB or RGBA, as Chromium
writes them) with zlib alone and counts distinct colours. A blank or failed render is one or
two colours; the report has text, borders and eight highlight colours."""

import struct
import sys
import zlib

MIN_COLOURS = 12


def pixels(path: str) -> tuple[int, int, set[bytes]]:
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"tests/report: {path} is not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace:
        sys.exit(f"tests/report: {path}: unexpected PNG format {header}")
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        for x in range(0, stride, bpp):
            colours.add(bytes(line[x : x + 3]))
        prev = line
    return width, height, colours


def main() -> None:
    for path in sys.argv[1:]:
        width, height, colours = pixels(path)
        if len(colours) < MIN_COLOURS:
            sys.exit(f"tests/report: {path} looks blank: {len(colours)} colours")
        print(f"tests/report: {path.rsplit('/', 1)[-1]} {width}x{height}, {len(colours)} colours")


main()
