"""Small copies of the CJK faces, cut once to the characters the forms print.

WeasyPrint subsets every font a PDF uses, on every render. Debian's Noto CJK SC faces sit in
collections of 20–27 MB with 65,535 glyphs each: copying a face out of pango and subsetting it
with HarfBuzz was most of a form's render time (and of the memory a render churns through). A
copy cut to GB 2312 (its 6,763 hanzi and its symbols), ASCII, Latin-1, the general and CJK
punctuation and the full-width forms holds ~7,900 glyphs in ~5 MB.

The copies carry a family of their own, "Noto Serif CJK SC Forms" (and Sans), added to each
WeasyPrint font configuration as application fonts. The print stylesheet names that family
first and the full system face after it, so a character outside the cut (a rare character in a
name: 堃, 龘) comes from the system face and never prints as an empty box.

``manage.py build_form_fonts`` (the Dockerfile, ``make run``, the test session) cuts them into
``VAR_DIR/fonts`` with a manifest naming their sources. A render never cuts (it takes ~10 s a
face): without current copies it uses the system faces, as before, and a system check says so.
The copies are current while each source file has the size and mtime it had, and fontTools and
``CUT_VERSION`` are the ones that cut them.
"""

import json
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from reports.checks import FONT_DIRS

# Raise when the cut changes (characters, options, names): every copy is cut again.
CUT_VERSION = 1
SUFFIX = "Forms"


@dataclass(frozen=True)
class Face:
    family: str  # the system family ("Noto Serif CJK SC")
    style: str  # "Regular" or "Bold"

    @property
    def forms_family(self) -> str:
        return f"{self.family} {SUFFIX}"

    @property
    def file_name(self) -> str:
        return f"{self.forms_family.replace(' ', '')}-{self.style}.otf"


# Body text in Serif; headings, labels and page numbers in Sans; both in bold too.
FACES = tuple(
    Face(family, style)
    for family in ("Noto Serif CJK SC", "Noto Sans CJK SC")
    for style in ("Regular", "Bold")
)


def form_characters() -> frozenset[int]:
    """The code points of the cut: what the forms' own text and the case data can hold."""
    chars = set(range(0x20, 0x7F))  # ASCII
    chars |= set(range(0xA0, 0x100))  # Latin-1: × · ° ¥
    chars |= set(range(0x2000, 0x2070))  # general punctuation: — … ‘’ “” ‰ ※
    chars |= set(range(0x2460, 0x24A0))  # ① ⑴ ⒈
    chars |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation: 、。〇《》「」【】〔〕
    chars |= set(range(0xFF00, 0xFFF0))  # full-width forms: ，：；（）０-９
    for high in range(0xA1, 0xF8):  # GB 2312: symbols, level-1 and level-2 hanzi
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _names(font) -> tuple[str, str]:
    """(family, style) of a face, the typographic names when it has them."""
    name = font["name"]
    family = name.getDebugName(16) or name.getDebugName(1) or ""
    style = name.getDebugName(17) or name.getDebugName(2) or ""
    return family, style


def find_sources() -> dict[Face, tuple[Path, int]]:
    """The system file (and index in a collection) of each face that is installed."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    wanted = {(face.family, face.style): face for face in FACES}
    found: dict[Face, tuple[Path, int]] = {}
    for root in FONT_DIRS:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("Noto*CJK*")):
            if path.suffix.lower() not in (".ttc", ".otc", ".otf", ".ttf"):
                continue
            try:
                if path.suffix.lower() in (".ttc", ".otc"):
                    fonts = TTCollection(str(path), lazy=True).fonts
                else:
                    fonts = [TTFont(str(path), lazy=True)]
            except (OSError, TTLibError):
                continue
            for index, font in enumerate(fonts):
                face = wanted.get(_names(font))
                if face is not None and face not in found:
                    found[face] = (path, index)
    return found


def fonts_dir() -> Path:
    return Path(settings.VAR_DIR) / "fonts"


def _fonttools_version() -> str:
    import fontTools

    return fontTools.version


@dataclass(frozen=True)
class Cut:
    family: str
    style: str
    file: str  # in fonts_dir()
    source: str
    index: int
    source_size: int
    source_mtime_ns: int

    def is_current(self) -> bool:
        try:
            stat = os.stat(self.source)
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.source_size, self.source_mtime_ns) and (
            fonts_dir() / self.file
        ).is_file()


def _manifest_path() -> Path:
    return fonts_dir() / "manifest.json"


def _read_manifest() -> list[Cut]:
    try:
        data = json.loads(_manifest_path().read_text())
    except (OSError, ValueError):
        return []
    if data.get("version") != CUT_VERSION or data.get("fonttools") != _fonttools_version():
        return []
    try:
        return [Cut(**cut) for cut in data.get("cuts", ())]
    except TypeError:
        return []


_lock = threading.Lock()
_cached: tuple[object, tuple[Path, ...]] | None = None


def cut_font_files() -> tuple[Path, ...]:
    """The current cut copies, for the font configuration; () when there are none.

    One stat of the manifest per call: a copy cut while the process runs is taken up.
    """
    global _cached
    try:
        stat = _manifest_path().stat()
        stamp: object = (stat.st_mtime_ns, stat.st_size, str(fonts_dir()))
    except OSError:
        return ()
    with _lock:
        if _cached is None or _cached[0] != stamp:
            cuts = _read_manifest()
            files = tuple(fonts_dir() / c.file for c in cuts if c.is_current())
            _cached = (stamp, files)
        return _cached[1]


def _rename(font, face: Face) -> None:
    """Give the copy its own family, so that it never stands in for the full system face."""
    postscript = face.family.replace(" ", "").replace("CJKSC", "CJKsc")
    for record in font["name"].names:
        text = record.toUnicode()
        if face.family in text:
            text = text.replace(face.family, face.forms_family)
        elif postscript in text:
            text = text.replace(postscript, postscript + SUFFIX)
        else:
            continue
        record.string = text


def _cut_one(face: Face, source: str, index: int, target: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # recalcBBoxes=False: the source's bounding boxes still hold for a part of its glyphs, and
    # recomputing them (drawing every glyph) would triple the time of the cut.
    font = TTFont(source, fontNumber=index, lazy=True, recalcBBoxes=False)
    options = subset.Options(
        # Every name (copyright, licence) and language; the layout features pango shapes with
        # (kern, locl, vert, …) are fontTools' default set.
        name_IDs=["*"],
        name_languages=["*"],
        notdef_outline=True,
        # WeasyPrint desubroutinises on every render anyway; done once here it is cheaper there,
        # and the cut itself is faster.
        desubroutinize=True,
        glyph_names=False,
    )
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=form_characters())
    subsetter.subset(font)
    _rename(font, face)
    partial = f"{target}.{os.getpid()}.partial"
    font.save(partial)
    os.replace(partial, target)


def build_cut_fonts(*, force: bool = False, log=None) -> list[Cut]:
    """Cut the faces that have no current copy (all of them with ``force``); return all cuts.

    Several processes may call this at once (two test workers): a file lock lets one cut and
    the others find its copies.
    """
    import fcntl

    say = log or (lambda message: None)
    directory = fonts_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        known = {} if force else {(c.family, c.style): c for c in _read_manifest()}
        current = [c for c in known.values() if c.is_current()]
        if len(current) == len(FACES):
            return current  # nothing to look for: the usual case, a no-op in ~1 ms
        sources = find_sources()
        cuts: list[Cut] = []
        todo: list[tuple[Face, Path, int, os.stat_result]] = []
        for face in FACES:
            if face not in sources:
                say(_("%(face)s: not installed") % {"face": f"{face.family} {face.style}"})
                continue
            path, index = sources[face]
            cut = known.get((face.family, face.style))
            if (
                cut is not None
                and (cut.source, cut.index) == (str(path), index)
                and cut.is_current()
            ):
                cuts.append(cut)
                continue
            todo.append((face, path, index, path.stat()))
        if todo:
            # The faces are independent: one process per core. Forked, which copies this process
            # (a database connection too): the children only cut fonts and leave by os._exit.
            workers = min(len(todo), os.cpu_count() or 1)
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                jobs = [
                    (face, path, index, stat, pool.submit(_cut_one, face, str(path), index, target))
                    for face, path, index, stat in todo
                    for target in [str(directory / face.file_name)]
                ]
                for face, path, index, stat, job in jobs:
                    job.result()
                    cuts.append(
                        Cut(
                            family=face.family,
                            style=face.style,
                            file=face.file_name,
                            source=str(path),
                            index=index,
                            source_size=stat.st_size,
                            source_mtime_ns=stat.st_mtime_ns,
                        )
                    )
                    size = (directory / face.file_name).stat().st_size
                    say(
                        _("%(face)s: %(size).1f MB, cut from %(source)s")
                        % {
                            "face": f"{face.forms_family} {face.style}",
                            "size": size / 2**20,
                            "source": path.name,
                        }
                    )
        cuts.sort(key=lambda cut: FACES.index(Face(cut.family, cut.style)))
        manifest = {
            "version": CUT_VERSION,
            "fonttools": _fonttools_version(),
            "cuts": [asdict(cut) for cut in cuts],
        }
        partial = _manifest_path().with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        os.replace(partial, _manifest_path())
        return cuts
