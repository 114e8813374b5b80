"""Just enough PDF reading to check what a WeasyPrint document says (layout checks use pdfplumber).

WeasyPrint writes Type0 fonts with Identity-H encoding: the content streams show glyph ids, and each
font's ToUnicode CMap maps them back to text. Objects may sit in compressed object streams.
"""

import re
import zlib

OBJECT = re.compile(rb"(\d+)\s+0\s+obj\s*(.*?)\s*endobj", re.S)
STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream\s*$", re.S)
REF = rb"(\d+)\s+0\s+R"


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """object number -> (dictionary text, decoded stream or None), object streams expanded."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for number, body in OBJECT.findall(data):
        match = STREAM.match(body)
        if match:
            head, raw = match.groups()
            stream = zlib.decompress(raw) if b"FlateDecode" in head else raw
            objects[int(number)] = (head, stream)
        else:
            objects[int(number)] = (body, None)
    for head, stream in list(objects.values()):
        if stream is not None and b"/ObjStm" in head:
            first = int(re.search(rb"/First\s+(\d+)", head).group(1))
            header = stream[:first].split()
            pairs = [(int(header[i]), int(header[i + 1])) for i in range(0, len(header), 2)]
            for index, (number, offset) in enumerate(pairs):
                end = pairs[index + 1][1] if index + 1 < len(pairs) else len(stream) - first
                objects[number] = (stream[first + offset:first + end], None)
    return objects


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _dict_entry(objects, text: bytes, key: bytes) -> bytes:
    """The value of /key in a dictionary, following an indirect reference."""
    match = re.search(rb"/" + key + rb"\s*" + REF, text)
    if match:
        return objects[int(match.group(1))][0]
    match = re.search(rb"/" + key + rb"\s*(<<.*?>>)", text, re.S)
    return match.group(1) if match else b""


def pdf_text(data: bytes) -> str:
    """The text of every page, in content-stream order; text objects separated by newlines."""
    objects = _objects(data)
    pages = []
    for head, _stream in objects.values():
        if re.search(rb"/Type\s*/Page\b", head):
            pages.append(head)
    out = []
    for page in pages:
        fonts = {}
        font_dict = _dict_entry(objects, _dict_entry(objects, page, b"Resources"), b"Font")
        for name, number in re.findall(rb"/([\w.+-]+)\s+" + REF, font_dict):
            font = objects[int(number)][0]
            to_unicode = re.search(rb"/ToUnicode\s+" + REF, font)
            fonts[name] = _cmap(objects[int(to_unicode.group(1))][1]) if to_unicode else {}
        contents = re.findall(REF, re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+0\s+R)", page).group(1))
        for number in contents:
            stream = objects[int(number)][1] or b""
            current: dict[int, str] = {}
            pattern = rb"/([\w.+-]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\bET\b|\bT[dD*]\b"
            for token in re.finditer(pattern, stream, re.S):
                if token.group(1):
                    current = fonts.get(token.group(1), {})
                elif token.group(0) in (b"ET", b"Td", b"TD", b"T*"):
                    if out and out[-1] != "\n":
                        out.append("\n")
                else:
                    hexes = re.findall(rb"<([0-9a-fA-F]*)>", token.group(2)) if token.group(2) is not None \
                        else [token.group(3)]
                    for hex_text in hexes:
                        codes = bytes.fromhex(hex_text.decode())
                        out.extend(current.get(int.from_bytes(codes[i:i + 2], "big"), "") for i in range(0, len(codes), 2))
    return "".join(out)


def pdf_fonts(data: bytes) -> set[str]:
    """The names of the fonts embedded in the document (subset prefixes removed)."""
    names = set()
    for head, _stream in _objects(data).values():
        for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", head):
            names.add(name.decode().split("+", 1)[-1])
    return names
