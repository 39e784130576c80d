"""The CJK faces cut to the forms' characters: used when current, never at the cost of a glyph."""

import importlib
import json
import os
import threading

import pytest
from fontTools.ttLib import TTFont
from weasyprint import HTML

from disputes.services import PartyData, PayerData
from reports import checks
from reports.documents import fonts, render
from tests.conftest import resident_id
from tests.reports import pdf

# The module (the package's ``render`` is the function).
render_module = importlib.import_module("reports.documents.render")


def payer_named(world, name):
    return world.make_dispute(
        payers=[
            PartyData(
                payer=PayerData(kind="employee", name=name, id_number=resident_id(77)),
                is_representative=True,
            )
        ]
    )


def test_the_cut_faces_are_current_on_this_machine():
    # The test session cuts them (tests/conftest.py), as make test and the Dockerfile do.
    files = fonts.cut_font_files()
    assert [f.name for f in files] == [face.file_name for face in fonts.FACES]
    assert checks.check_pdf_dependencies() == []


def test_a_cut_face_has_a_family_of_its_own_and_every_character_of_the_forms():
    source_path, index = fonts.find_sources()[fonts.FACES[0]]
    source = TTFont(source_path, fontNumber=index, lazy=True).getBestCmap()
    cut = TTFont(fonts.cut_font_files()[0], lazy=True)
    assert fonts._names(cut) == ("Noto Serif CJK SC Forms", "Regular")
    assert cut["name"].getDebugName(6) == "NotoSerifCJKscForms-Regular"
    assert not any(cut["name"].getDebugName(i) == "Noto Serif CJK SC" for i in (1, 4, 16))
    cmap = cut.getBestCmap()
    wanted = fonts.form_characters() & set(source)
    assert wanted <= set(cmap)  # (with what layout substitutions reach: ∋ ≅)
    assert len(wanted) > 7_500  # GB 2312's 6,763 hanzi, its symbols, the punctuation
    for char in "受理回执芮城县壹贰叁肆伍陆柒捌玖拾佰仟万元角分（）：；，。、《》—…０１ABC123":
        assert ord(char) in cmap, char
    assert ord("堃") not in cmap and ord("龘") not in cmap  # GBK, not GB 2312


def test_a_form_of_common_characters_embeds_only_the_cut_faces(world):
    data = render("receipt", payer_named(world, "张伟")).pdf
    document = pdf.read(data)
    pdf.assert_cjk_fonts(document)
    assert all(pdf.is_cut_face(name) for name in document.fonts), document.fonts
    assert all(pdf.glyph_fonts(data, "受").values())


@pytest.mark.parametrize("name", ["王堃", "龘龘", "李喆"])
def test_a_rare_character_in_a_name_prints_from_the_full_system_face(world, name):
    data = render("receipt", payer_named(world, name)).pdf
    document = pdf.read(data)
    pdf.assert_cjk_fonts(document)  # still only embedded subsets of Noto CJK SC
    assert f"{name}：" in document.flat
    for char in name:
        if ord(char) in fonts.form_characters():
            continue
        printing = pdf.glyph_fonts(data, char)
        # Drawn from an embedded subset of the full system face, with an outline: no box.
        assert printing, char
        assert all(printing.values()), (char, printing)
        assert not any(pdf.is_cut_face(font) for font in printing), (char, printing)
    # The rest of the form stays in the cut faces.
    assert any(pdf.is_cut_face(font) for font in document.fonts)


def test_without_current_cut_faces_the_forms_use_the_system_faces(world, monkeypatch):
    monkeypatch.setattr(render_module, "cut_font_files", lambda: ())
    data = render("receipt", payer_named(world, "王堃")).pdf
    document = pdf.read(data)
    pdf.assert_cjk_fonts(document)
    assert not any(pdf.is_cut_face(name) for name in document.fonts), document.fonts
    assert all(pdf.glyph_fonts(data, "堃").values())


def test_the_system_check_says_when_the_cut_faces_are_missing(monkeypatch):
    monkeypatch.setattr(fonts, "cut_font_files", lambda: ())
    problems = checks.check_pdf_dependencies()
    assert [p.id for p in problems] == ["reports.W003"]
    assert "build_form_fonts" in problems[0].hint


def test_a_cut_is_stale_once_its_source_changes(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    source = tmp_path / "source.ttc"
    source.write_bytes(b"font")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "cut.otf").write_bytes(b"cut")
    stat = source.stat()
    manifest = {
        "version": fonts.CUT_VERSION,
        "fonttools": fonts._fonttools_version(),
        "cuts": [
            {
                "family": "Noto Serif CJK SC",
                "style": "Regular",
                "file": "cut.otf",
                "source": str(source),
                "index": 2,
                "source_size": stat.st_size,
                "source_mtime_ns": stat.st_mtime_ns,
            }
        ],
    }
    (tmp_path / "fonts" / "manifest.json").write_text(json.dumps(manifest))
    assert fonts.cut_font_files() == (tmp_path / "fonts" / "cut.otf",)

    # The system font upgraded: same path, another file.
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    # (the manifest rewritten, as by a build, is read again)
    (tmp_path / "fonts" / "manifest.json").write_text(json.dumps(manifest, indent=1))
    assert fonts.cut_font_files() == ()

    # Cut by another fontTools: cut again.
    manifest["cuts"][0]["source_mtime_ns"] = source.stat().st_mtime_ns
    manifest["fonttools"] = "0.0"
    (tmp_path / "fonts" / "manifest.json").write_text(json.dumps(manifest, indent=2))
    assert fonts.cut_font_files() == ()


def test_each_thread_keeps_one_font_configuration_of_its_own():
    mine = render_module._font_config()
    assert render_module._font_config() is mine  # kept across renders
    seen = {}
    pdfs = {}

    def work(n):
        config = render_module._font_config()
        seen[n] = config
        html = HTML(string="<p style=\"font-family: 'Noto Serif CJK SC Forms'\">受理回执</p>")
        pdfs[n] = html.render(font_config=config).write_pdf()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(config) for config in seen.values()} | {id(mine)}) == 4
    for data in pdfs.values():
        document = pdf.read(data)
        assert "受理回执" in document.flat
        assert all(pdf.is_cut_face(name) for name in document.fonts), document.fonts
