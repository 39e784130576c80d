"""One way to turn a document into PDF bytes: a Django template, print CSS, WeasyPrint.

A case's documents go through the registry of kinds (``render``); a report that belongs to no
case (the evaluation's circular) gives its template and context (``render_template``), with
the same fonts and print stylesheet.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reports.documents.fonts import cut_font_files
from reports.documents.registry import get_kind

log = logging.getLogger(__name__)
_warned = False


def _warn_without_harfbuzz() -> None:
    """Say it loudly, once per process: without HarfBuzz subsetting a form takes ~13 s."""
    global _warned
    if _warned:
        return
    _warned = True
    from weasyprint.text import ffi

    if getattr(ffi, "harfbuzz_subset", True) is None:
        log.warning(
            "libharfbuzz-subset is missing: WeasyPrint subsets fonts with fontTools and each "
            "PDF takes seconds instead of a fraction of one. Install libharfbuzz-subset0."
        )


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def render_html(kind: str, dispute, **opts) -> str:
    document = get_kind(kind)
    if not (document.has_parts and opts):
        # A part (from ``kind.part``) exists by construction; the check is for the default.
        document.check(dispute)
    # Forms are Chinese whatever language the caller (a worker, a command) has active.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "kind": document,
            "title": document.title,
            # Printed at the foot of every page (and in the title): the case's number.
            "footer": dispute.number,
            **document.context(dispute, **opts),
        }
        return render_to_string(document.template, context)


# One WeasyPrint font configuration per thread, kept across renders. Making one costs a
# fontconfig set-up and a pango font map per render, and the fonts pango loads into a map are
# loaded again for the next; a pango font map is not meant to be shared between threads.
_local = threading.local()


def _font_config():
    files = cut_font_files()
    held = getattr(_local, "font_config", None)
    if held is None or held[0] != files:
        held = (files, _make_font_config(files))
        _local.font_config = held
    return held[1]


def _make_font_config(files):
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    if files:
        _add_application_fonts(config, files)
    return config


def _add_application_fonts(config, files) -> None:
    """Add the cut faces (reports.documents.fonts) to the font configuration.

    As WeasyPrint adds an @font-face font, but from where the files are: an @font-face rule
    would copy 20 MB of fonts into a temporary folder per process, left behind by every
    recycled worker.
    """
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2

    for path in files:
        if not fontconfig.FcConfigAppFontAddFile(config._config, str(path).encode()):
            log.warning("fontconfig could not load %s; the forms use the system faces", path)
    pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", config.font_map))


def _write(html: str) -> Rendered:
    from weasyprint import HTML  # imported late: loading pango costs ~0.5 s at start-up

    _warn_without_harfbuzz()
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=_font_config())
    return Rendered(pdf=document.write_pdf(), pages=len(document.pages))


def render(kind: str, dispute, **opts) -> Rendered:
    """Render one document of the case; raises DocumentUnavailable when it has none yet."""
    return _write(render_html(kind, dispute, **opts))


def render_template(template: str, context: Callable[[], dict]) -> Rendered:
    """Render a document that belongs to no case: ``template`` (extending
    ``reports/documents/_base.html``) with what ``context()`` returns. The context is built
    in the installation's language too, like a case's forms."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context())
    return _write(html)


def render_pdf(kind: str, dispute, **opts) -> bytes:
    return render(kind, dispute, **opts).pdf
