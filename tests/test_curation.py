"""`eventarchive curate`: a curator pins, hides, moves and annotates an event's story, by command
or in a spreadsheet, and none of it is lost when the event is imported or fetched again."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from conftest import EVENT, FIXTURES, build_archive
from eventarchive.cli import cli
from eventarchive.search import search
from eventarchive.store import Store

DOORS = "twitter:127293601985196033"  # 08:02, the first item: "Doors are open…"
URN = "twitter:127322096161366019"  # "Urn is on, 200 cups and counting…"
THANKS = "twitter:127326280935845892"
BIG_ROOM = "twitter:127369833300946952"  # the one with a photo
WRAP = "twitter:127413385141809165"  # the last item: "That's a wrap…"


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), "curate", "--event", EVENT.slug,
                                    *map(str, args)], catch_exceptions=False)


@pytest.fixture
def db(tmp_path):
    return build_archive(tmp_path / "archive.db")


def story(db) -> list[str]:
    """The story as `list` prints it: position (or - for hidden), id, flags, annotations."""
    return [f"note {line.split('] ', 1)[1]}" if line.lstrip().startswith("[annotation")
            else " ".join(line.split()[:2]) for line in run(db, "list").stdout.splitlines()]


def curation(db) -> set[tuple]:
    store = Store.open(db)
    try:
        return set(store.conn.execute(
            "SELECT item_id, pinned, hidden, after_item_id FROM curation WHERE event = ?",
            (EVENT.slug,)))
    finally:
        store.close()


def annotations(db) -> list[tuple]:
    store = Store.open(db)
    try:
        return list(store.conn.execute(
            "SELECT after_item_id, text FROM annotations WHERE event = ? ORDER BY id",
            (EVENT.slug,)))
    finally:
        store.close()


def test_pin_hide_move_annotate_and_show_through_the_cli(db):
    before = story(db)
    assert before[0] == f"1 {DOORS}" and before[-1] == f"10 {WRAP}"
    assert "Pinned" in run(db, "pin", WRAP).stdout
    run(db, "hide", THANKS)
    run(db, "move", URN, "--after", BIG_ROOM)
    run(db, "annotate", "Doors opened at nine, in the rain.")
    run(db, "annotate", "--after", BIG_ROOM, "After lunch the big room filled up.")
    lines = story(db)
    assert lines[:3] == ["note Doors opened at nine, in the rain.", f"1 {WRAP}", f"2 {DOORS}"]
    assert f"- {THANKS}" in lines  # hidden: listed for the curator, left out of the story
    at = next(i for i, line in enumerate(lines) if line.endswith(BIG_ROOM))
    assert lines[at + 1] == "note After lunch the big room filled up."
    assert lines[at + 2].endswith(URN)
    assert curation(db) == {(WRAP, 1, 0, None), (THANKS, 0, 1, None), (URN, 0, 0, BIG_ROOM)}
    # Hidden items stay in the archive and in search.
    store = Store.open(db)
    assert THANKS in {r["id"] for r in search(store, "urn", EVENT.slug)}
    store.close()
    run(db, "show", THANKS)
    run(db, "show", WRAP)
    run(db, "move", URN, "--back")
    assert curation(db) == set()
    assert [x for x in story(db) if not x.startswith("note")] == before


@pytest.mark.parametrize("args, message", [
    (["pin", "twitter:1"], "twitter:1: not an item of event lambethcoop-2011"),
    (["move", URN, "--after", "twitter:1"], "twitter:1: not an item of event"),
    (["annotate", "--after", "twitter:1", "text"], "twitter:1: not an item of event"),
    (["move", URN], "--after ID, or --back"),
    (["unannotate", "7"], "annotation 7: not an annotation of event"),
])
def test_unknown_ids_are_one_line_and_exit_2(db, args, message):
    result = run(db, *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert curation(db) == set()


def test_a_move_that_would_loop_is_refused(db):
    run(db, "move", URN, "--after", BIG_ROOM)
    result = run(db, "move", BIG_ROOM, "--after", URN)
    assert result.exit_code == 2 and "itself placed after" in result.stderr
    assert curation(db) == {(URN, 0, 0, BIG_ROOM)}


def test_curation_survives_reimports(db):
    run(db, "pin", WRAP)
    run(db, "hide", THANKS)
    run(db, "annotate", "--after", DOORS, "The first post of the day.")
    kept = curation(db), annotations(db)
    for kind, name in (("twitter-archive", "twitter-archive"), ("twarc", "twarc2.jsonl"),
                       ("tags-csv", "tags.csv")):
        result = CliRunner().invoke(cli, ["--db", str(db), "import", kind, str(FIXTURES / name),
                                          "--event", EVENT.slug], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert (curation(db), annotations(db)) == kept
    assert story(db)[0] == f"1 {WRAP}"


def read_sheet(path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_round_trip_edited_as_in_a_spreadsheet(db, tmp_path):
    run(db, "annotate", "Welcome.")
    run(db, "annotate", "--after", DOORS, "Old note, to be deleted.")
    sheet = tmp_path / "story.csv"
    result = run(db, "--export", sheet)
    assert result.exit_code == 0 and "Wrote 10 items and 2 annotations" in result.stderr
    rows = read_sheet(sheet)
    assert rows[0]["row"] == "annotation" and rows[0]["after"] == "start"
    assert rows[1]["id"] == DOORS and rows[1]["position"] == "1"
    assert rows[1]["platform"] == "twitter" and rows[1]["author"] == "lambeth_events"
    assert rows[1]["excerpt"].startswith("Doors are open")
    assert rows[2] == {**rows[2], "row": "annotation", "after": DOORS}

    # What a curator does in a spreadsheet: mark columns, type ids, add and delete rows,
    # sort the sheet by time, and save it again as CSV UTF-8 with semicolons (Excel in Europe).
    by_id = {r["id"]: r for r in rows if r["row"] == "item"}
    by_id[THANKS]["hidden"] = "yes"
    by_id[WRAP]["pinned"] = "TRUE"
    by_id[URN]["after"] = BIG_ROOM
    rows = [r for r in rows if r["annotation"] != "Old note, to be deleted."]
    rows[0]["annotation"] = "Welcome to the day."
    rows.append({"row": "", "id": "", "after": BIG_ROOM, "annotation": "Lunch was late."})
    rows.append({"row": "item", "id": "twitter:999", "hidden": "yes"})
    rows.sort(key=lambda r: r.get("published_at") or "")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", restval="")
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    bad_line = out.getvalue().splitlines().index(next(
        line for line in out.getvalue().splitlines() if "twitter:999" in line)) + 1

    result = run(db, "--import", sheet)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{sheet}:{bad_line}: twitter:999: not an item of event lambethcoop-2011")
    assert curation(db) == {(WRAP, 1, 0, None), (THANKS, 0, 1, None), (URN, 0, 0, BIG_ROOM)}
    assert annotations(db) == [(None, "Welcome to the day."), (BIG_ROOM, "Lunch was late.")]

    # The same sheet again changes nothing; exported again, it says what was imported.
    run(db, "--import", sheet)
    assert len(annotations(db)) == 2
    run(db, "--export", sheet)
    rows = read_sheet(sheet)
    assert [r["id"] for r in rows[:2]] == [rows[0]["id"], WRAP] and rows[1]["pinned"] == "yes"
    urn = next(r for r in rows if r["id"] == URN)
    assert urn["after"] == BIG_ROOM and rows[rows.index(urn) - 1]["annotation"] == (
        "Lunch was late.")


def test_a_sheet_saved_in_another_encoding_is_refused_in_one_line(db, tmp_path):
    sheet = tmp_path / "story.csv"
    sheet.write_bytes("row,id,hidden\nitem,café,yes\n".encode("cp1252"))
    result = run(db, "--import", sheet)
    assert result.exit_code == 2 and "CSV UTF-8" in result.stderr
    assert result.stderr.count("\n") == 1
