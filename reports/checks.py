"""System checks for PDF documents: without these the forms print badly, and silently.

- Without a CJK font WeasyPrint writes PDFs without complaint whose Chinese shows as empty
  boxes (the text even extracts fine).
- Without libharfbuzz-subset WeasyPrint falls back to fontTools to subset the fonts: a
  one-page Chinese form then takes about 13 s instead of 0.2 s.

Both come from the set-up (``scripts/system-deps.sh``, the Dockerfile): Debian's
``fonts-noto-cjk`` and ``libharfbuzz-subset0``.

- Without the copies of those faces cut to the forms' characters (``manage.py
  build_form_fonts``: the Dockerfile, ``make run``/``make test``) the forms print the same from
  the full faces, but each takes longer and a worker's memory churns through 20 MB font copies.
"""

import ctypes
import shutil
import subprocess
from pathlib import Path

from django.core.checks import Warning, register
from django.utils.translation import gettext as _

# The faces the print stylesheet names (templates/reports/documents/print.css).
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
# The names WeasyPrint tries (weasyprint/text/ffi.py).
HARFBUZZ_SUBSET = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
    "libharfbuzz-subset-0",
)
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)


def harfbuzz_subset_available() -> bool:
    for name in HARFBUZZ_SUBSET:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def missing_font_families() -> list[str]:
    """The CJK families of the stylesheet that fontconfig cannot find."""
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        try:
            out = subprocess.run(
                [fc_list, ":lang=zh-cn", "family"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None:
            known = {name.strip() for line in out.splitlines() for name in line.split(",")}
            return [family for family in FONT_FAMILIES if family not in known]
    # No fontconfig tools: look for the font files themselves.
    files = {
        path.name.replace("-", "").lower()
        for root in FONT_DIRS
        if root.is_dir()
        for path in root.rglob("Noto*CJK*")
    }
    return [
        family
        for family in FONT_FAMILIES
        if not any(
            name.startswith(family.replace(" SC", "").replace(" ", "").lower()) for name in files
        )
    ]


def _cut_fonts_current() -> bool:
    from reports.documents.fonts import FACES, cut_font_files

    return len(cut_font_files()) == len(FACES)


@register("documents")
def check_pdf_dependencies(app_configs=None, **kwargs):
    problems = []
    if not harfbuzz_subset_available():
        problems.append(
            Warning(
                _(
                    "libharfbuzz-subset is missing: PDF documents render about 60 times slower "
                    "(WeasyPrint falls back to fontTools to subset the Chinese fonts)."
                ),
                hint=_(
                    "Install Debian's libharfbuzz-subset0 (make deps, or "
                    "apt-get install libharfbuzz-subset0)."
                ),
                id="reports.W001",
            )
        )
    missing = missing_font_families()
    if not missing and not _cut_fonts_current():
        problems.append(
            Warning(
                _(
                    "The CJK faces are not cut to the forms' characters (or the fonts changed "
                    "since): PDF documents render with the full faces, slower."
                ),
                hint=_("Run manage.py build_form_fonts (make fonts)."),
                id="reports.W003",
            )
        )
    if missing:
        problems.append(
            Warning(
                _(
                    "CJK fonts missing: %(fonts)s. PDF documents would show empty boxes "
                    "instead of Chinese."
                )
                % {"fonts": ", ".join(missing)},
                hint=_(
                    "Install Debian's fonts-noto-cjk (make deps, or apt-get install "
                    "fonts-noto-cjk)."
                ),
                id="reports.W002",
            )
        )
    return problems
