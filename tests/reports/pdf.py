"""Reading a rendered PDF back: its text, its pages, the fonts it uses."""

import re
from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader

# WeasyPrint names an embedded subset "ABCDEF+Noto-Serif-CJK-SC" (or …-Bold); the copies of
# those faces cut to the forms' characters (reports/documents/fonts.py) "ABCDEF+Noto-Serif-CJK-
# SC-Forms" (or …-Forms-Bold).
CJK_SUBSET = re.compile(r"^[A-Z]{6}\+Noto-(Serif|Sans)-CJK-SC(-Forms)?(-[A-Za-z]+)?$")


def is_cut_face(name: str) -> bool:
    match = CJK_SUBSET.match(name)
    return match is not None and match.group(2) == "-Forms"


@dataclass
class Pdf:
    text: str
    pages: int
    fonts: dict[str, bool]  # BaseFont name → has an embedded font file

    @property
    def flat(self) -> str:
        """The text without any whitespace (lines break where the layout wraps)."""
        return re.sub(r"\s+", "", self.text)


def _fonts(resources, out: dict[str, bool]) -> None:
    if resources is None:
        return
    resources = resources.get_object()
    for ref in (resources.get("/Font") or {}).values():
        font = ref.get_object()
        descriptor = None
        if "/DescendantFonts" in font:
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        else:
            descriptor = font.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        out[str(font["/BaseFont"]).lstrip("/")] = embedded
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            _fonts(xobject.get("/Resources"), out)


def read(data: bytes) -> Pdf:
    assert data.startswith(b"%PDF-"), data[:20]
    reader = PdfReader(BytesIO(data))
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        _fonts(page.get("/Resources"), fonts)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return Pdf(text=text, pages=len(reader.pages), fonts=fonts)


def font_problems(pdf: Pdf) -> list[str]:
    """Every font that is not an embedded subset of Noto CJK SC (a Latin-only fallback, a
    Japanese face, a font referenced but not embedded)."""
    problems = [name for name, embedded in pdf.fonts.items() if not embedded]
    problems += [name for name in pdf.fonts if not CJK_SUBSET.match(name)]
    return problems


def assert_cjk_fonts(pdf: Pdf) -> None:
    assert pdf.fonts, "no fonts at all"
    assert font_problems(pdf) == []
    families = {CJK_SUBSET.match(name).group(1) for name in pdf.fonts}
    assert families == {"Serif", "Sans"}  # body in Serif, headings and page numbers in Sans


def _font_dicts(resources, out: list) -> None:
    if resources is None:
        return
    resources = resources.get_object()
    for ref in (resources.get("/Font") or {}).values():
        out.append(ref.get_object())
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            _font_dicts(xobject.get("/Resources"), out)


def _glyph_ids(to_unicode: bytes, char: str) -> list[int]:
    """The glyph ids a ToUnicode CMap maps to ``char`` (WeasyPrint writes bfchar pairs)."""
    code = char.encode("utf-16-be").hex()
    pairs = re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", to_unicode)
    return [int(gid, 16) for gid, text in pairs if text.decode().lower() == code]


def glyph_fonts(data: bytes, char: str) -> dict[str, bool]:
    """Each font of the PDF that prints ``char``: BaseFont name → whether its embedded font
    program has an outline for that glyph (False: an empty box, a .notdef, or no program)."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    reader = PdfReader(BytesIO(data))
    fonts: list = []
    for page in reader.pages:
        _font_dicts(page.get("/Resources"), fonts)
    out: dict[str, bool] = {}
    for font in fonts:
        if "/ToUnicode" not in font or "/DescendantFonts" not in font:
            continue
        gids = _glyph_ids(font["/ToUnicode"].get_object().get_data(), char)
        if not gids:
            continue
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        stream = next(
            (descriptor[k] for k in ("/FontFile3", "/FontFile2", "/FontFile") if k in descriptor),
            None,
        )
        drawn = False
        if stream is not None:
            program = TTFont(BytesIO(stream.get_object().get_data()))
            glyphs = program.getGlyphSet()
            order = program.getGlyphOrder()
            for gid in gids:
                if 0 < gid < len(order):
                    pen = BoundsPen(glyphs)
                    glyphs[order[gid]].draw(pen)
                    drawn = drawn or pen.bounds is not None
        out[str(font["/BaseFont"]).lstrip("/")] = drawn
    return out
