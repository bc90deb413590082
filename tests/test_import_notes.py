"""Attendees' notes in every format: a note is an item, searchable, updated in place when its
file is edited and imported again."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import docx
from click.testing import CliRunner

from conftest import EVENT
from eventarchive.cli import cli
from eventarchive.run import import_file
from eventarchive.search import search
from eventarchive.store import fts_in_step

LONDON = replace(EVENT, timezone="Europe/London")  # 2011-10-21 is BST: +01:00


def notes(store) -> dict[str, dict]:
    cursor = store.conn.execute(
        "SELECT items.id, kind, items.platform, author_id, display_name, published_at, title, "
        "text, raw FROM items LEFT JOIN authors ON authors.id = author_id "
        "WHERE items.platform = 'notes'")
    columns = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor}


def word_docx(path, paragraphs, author=None, title=None):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Action", "Ask the council"
    document.core_properties.author = author or ""
    document.core_properties.title = title or ""
    document.save(path)


def test_a_folder_of_markdown_text_and_csv_notes(store, fixtures):
    result = import_file(store, "notes", fixtures / "notes", LONDON, None)
    assert result.problems == [] and result.new_items == 4
    found = notes(store)
    md = found["notes:world-cafe/table-3.md"]
    assert md | {"raw": json.loads(md["raw"])} == {
        "id": "notes:world-cafe/table-3.md", "kind": "note", "platform": "notes",
        "author_id": "notes:priya-shah", "display_name": "Priya Shah",
        "published_at": "2011-10-21T10:30:00+00:00",  # 11:30 in London, no offset written
        "title": "Table 3: growing food together",
        "text": "- Allotment waiting lists are **years** long in the north of the borough.\n"
                "- Idea: a seed swap at the next co-op day.",
        "raw": {"format": "markdown", "path": "world-cafe/table-3.md", "session": "World cafe",
                "author": "Priya Shah", "time": "2011-10-21 11:30",
                "fields": {"author": "Priya Shah", "time": "2011-10-21 11:30",
                           "session": "World cafe", "table colour": "green"}},
    }
    txt = found["notes:2011-10-21 14.05 - Housing - Sam Taylor.txt"]
    assert (txt["display_name"], txt["published_at"], json.loads(txt["raw"])["session"]) == (
        "Sam Taylor", "2011-10-21T13:05:00+00:00", "Housing")  # all from the file name
    assert txt["text"] == ("Housing co-ops: who owns the building?\n\n"
                           "Three groups want a shared repairs fund.")  # Notepad's \r\n gone
    first, second = found["notes:tables.csv#row-1"], found["notes:tables.csv#row-2"]
    assert first["published_at"] == "2011-10-21T09:15:00+00:00"  # 10:15 on the event's day
    assert json.loads(first["raw"])["session"] == "World cafe 1"
    assert json.loads(first["raw"])["fields"]["Facilitator"] == "Ana"  # unknown column kept
    assert (second["author_id"], second["display_name"], second["published_at"]) == (
        "notes:zoe-o-brien", "Zoë O'Brien", "2011-10-21T09:40:00+00:00")
    assert [r["id"] for r in search(store, "allotment")] == ["notes:world-cafe/table-3.md"]
    assert [r["id"] for r in search(store, "compost", event=EVENT.slug)] == [
        "notes:tables.csv#row-2"]


def test_without_a_time_zone_times_are_utc(store, fixtures):
    import_file(store, "notes", fixtures / "notes" / "world-cafe" / "table-3.md",
                replace(EVENT, timezone=None), None)
    assert notes(store)["notes:table-3.md"]["published_at"] == "2011-10-21T11:30:00+00:00"


def test_a_word_document_built_by_word(store, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    word_docx(folder / "2011-10-21 15.00 - Closing plenary - Ana Lima.docx",
              ["What we will do next", "Meet again in spring."], author="Office User",
              title="Plenary notes")
    assert import_file(store, "notes", folder, LONDON, None).problems == []
    note = notes(store)["notes:2011-10-21 15.00 - Closing plenary - Ana Lima.docx"]
    assert note["display_name"] == "Ana Lima"  # the file name beats Word's own author
    assert note["title"] == "Plenary notes"
    assert note["published_at"] == "2011-10-21T14:00:00+00:00"
    assert note["text"] == ("What we will do next\n\nMeet again in spring.\n\n"
                            "Action | Ask the council")
    assert [r["id"] for r in search(store, "spring")] == [
        "notes:2011-10-21 15.00 - Closing plenary - Ana Lima.docx"]


def test_an_edited_note_is_updated_in_place(store, fixtures, tmp_path):
    folder = tmp_path / "notes"
    shutil.copytree(fixtures / "notes", folder)
    word_docx(folder / "plenary.docx", ["Meet again in spring."])
    import_file(store, "notes", folder, LONDON, None)
    count = store.count("items")
    md = folder / "world-cafe" / "table-3.md"
    md.write_text(md.read_text().replace("seed swap", "tool library").replace(
        "time: 2011-10-21 11:30", "time: 2011-10-21T11:45:00+01:00"), encoding="utf-8")
    csv_file = folder / "tables.csv"
    csv_file.write_text(csv_file.read_text(encoding="utf-8").replace("Compost", "Wormery"),
                        encoding="utf-8")
    word_docx(folder / "plenary.docx", ["Meet again in autumn."])
    result = import_file(store, "notes", folder, LONDON, None)
    assert (result.problems, result.new_items, result.updated) == ([], 0, 3)
    assert store.count("items") == count
    assert [r["id"] for r in search(store, "tool library")] == ["notes:world-cafe/table-3.md"]
    assert search(store, "seed swap") == []
    assert [r["id"] for r in search(store, "wormery")] == ["notes:tables.csv#row-2"]
    assert search(store, "compost") == []
    assert [r["id"] for r in search(store, "autumn")] == ["notes:plenary.docx"]
    assert search(store, "spring") == []
    assert notes(store)["notes:world-cafe/table-3.md"]["published_at"] == (
        "2011-10-21T10:45:00+00:00")
    assert fts_in_step(store.conn)


def test_csv_rows_keyed_by_an_id_column_survive_reordering(store, tmp_path):
    path = tmp_path / "cafe.csv"
    path.write_text("id,session,text\nt1,Food,Seed swap\nt2,Homes,Repairs fund\n",
                    encoding="utf-8")
    import_file(store, "notes", path, LONDON, None)
    path.write_text("id,session,text\nt2,Homes,Repairs fund and a tool shed\nt1,Food,Seed swap\n",
                    encoding="utf-8")
    assert import_file(store, "notes", path, LONDON, None).updated == 1
    assert {i: n["text"] for i, n in notes(store).items()} == {
        "notes:cafe.csv#t1": "Seed swap", "notes:cafe.csv#t2": "Repairs fund and a tool shed"}


def test_bad_files_are_named_and_the_rest_imported(tmp_path, fixtures):
    folder = tmp_path / "notes"
    shutil.copytree(fixtures / "notes", folder)
    (folder / "latin1.txt").write_bytes("Caf\xe9 notes".encode("latin-1"))
    (folder / "broken.md").write_text("---\nauthor: [Jo\n---\nText\n", encoding="utf-8")
    (folder / "when.md").write_text("---\ntime: teatime\n---\nText\n", encoding="utf-8")
    (folder / "fake.docx").write_text("not a zip", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")  # not a note: left alone
    (folder / "~$plenary.docx").write_bytes(b"Word's lock file")  # neither
    (folder / ".git").mkdir()
    (folder / ".git" / "README.md").write_text("not a note", encoding="utf-8")
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "notes", str(folder),
                                      "--event", "lambethcoop-2011"])
    assert result.exit_code == 1
    # No config, so no event day: the CSV row timed "10:15" cannot be placed.
    assert "Imported 3 new items" in result.stdout
    assert f"{folder / 'tables.csv'}: row 1: time '10:15' has no date" in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{folder / 'latin1.txt'}: not UTF-8") for line in lines)
    assert any(line.startswith(f"{folder / 'broken.md'}: front matter is not valid YAML")
               for line in lines)
    assert f"{folder / 'when.md'}: time 'teatime' is not a time" in result.stderr
    assert any(line.startswith(f"{folder / 'fake.docx'}: not a readable Word .docx file")
               for line in lines)
    assert "Traceback" not in result.output


def test_an_events_time_zone_is_its_name_or_the_offset_of_its_start(tmp_path):
    import pytest

    from eventarchive.config import ConfigError, parse

    def zone(**event):
        cfg = parse({"events": [{"slug": "e", **event}]}, tmp_path / "eventarchive.toml")
        return cfg.events[0].timezone

    assert zone(starts_at="2011-10-21T09:00:00+01:00") == "+01:00"
    assert zone(starts_at="2011-10-21T09:00:00+01:00", timezone="Europe/London") == (
        "Europe/London")
    assert zone() is None
    with pytest.raises(ConfigError, match="timezone: 'Europe/Lambeth' is not a time zone"):
        zone(timezone="Europe/Lambeth")
