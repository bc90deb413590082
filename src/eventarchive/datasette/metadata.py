"""The metadata Datasette serves an archive with: titles, column labels, facets and the canned
queries (``search``, ``timeline``) whose URLs people share.
"""

from __future__ import annotations

from ..search import PHOTOS_SQL, REFERRERS_SQL, SEARCH_SQL, TIMELINE_SQL

ITEM_COLUMNS = {
    "id": "platform:native id",
    "kind": "post, photo, article, comment, note, story or story_element",
    "platform": "where it was published",
    "native_id": "the platform's own id (text: tweet ids do not fit a float)",
    "url": "where it was published",
    "author_id": "who wrote it",
    "published_at": "when, in UTC",
    "title": "title (articles, stories)",
    "text": "plain text",
    "html": "sanitised HTML, when the source had HTML",
    "in_reply_to": "the item this replies to (a comment's post, a story element's story)",
    "raw": "the full payload as received, for provenance",
    "fetched_at": "when it was last saved",
}


def build(database: str, events: list[tuple[str, str]] = ()) -> dict:
    from markupsafe import escape

    galleries = ", ".join(f'<a href="/-/events/{escape(slug)}/gallery">{escape(name)}</a>'
                          for slug, name in events)
    return {
        "title": "Event archive",
        "description_html": (
            "Everything recorded about the events in this archive: posts, photos, write-ups and "
            f"notes. Try <a href=\"/{database}/search\">search</a>, the "
            f"<a href=\"/{database}/timeline\">timeline</a> of an event, or "
            f"<a href=\"/{database}/browse\">browse everything</a>."
            + (f" Photo galleries: {galleries}." if galleries else "")
            + " This archive honours requests to remove posts: see the "
            "<a href=\"/-/takedowns\">takedowns</a>."
        ),
        "databases": {
            database: {
                "tables": {
                    "browse": {
                        "title": "Browse everything",
                        "description": "Every item with its author, events and day. Use the "
                                       "search box, or filter with the facets.",
                        "fts_table": "items_fts",
                        "fts_pk": "search_rowid",
                        "sort_desc": "published_at",
                        "facets": ["platform", "kind", "author", {"array": "events"}, "day"],
                        "size": 50,
                    },
                    "items": {
                        "title": "Items",
                        "description": "Posts, photos, articles, comments, notes and story "
                                       "elements: one row each.",
                        "sort_desc": "published_at",
                        "columns": ITEM_COLUMNS,
                    },
                    "items_fts": {"hidden": True},
                    "authors": {"title": "Authors", "label_column": "display_name"},
                    "events": {"title": "Events", "label_column": "name"},
                    "event_items": {"title": "Which items belong to which event"},
                    "media": {"title": "Photos and other media", "facets": ["mime"]},
                    "links": {"title": "Links found in items"},
                    "hashtags": {"title": "Hashtags", "facets": ["tag"]},
                    "mentions": {"title": "Mentions", "facets": ["handle"]},
                    "reposts": {"title": "Reposts (retweets, boosts) of items"},
                    "fetch_runs": {"title": "Fetch and import runs", "sort_desc": "id"},
                    "_sqlite_migrations": {"hidden": True},
                    "suppressions": {"hidden": True},
                    "takedowns": {"title": "Takedowns honoured (no content; see /-/takedowns)"},
                    "hidden_items": {"title": "Items hidden by the archive's privacy policy"},
                },
                "queries": {
                    "search": {
                        "title": "Search the archive",
                        "description": "Full-text search of titles and text. Leave event empty "
                                       "to search every event. Copy the address to share it.",
                        "sql": SEARCH_SQL.strip(),
                        "hide_sql": True,
                    },
                    "timeline": {
                        "title": "Timeline of an event",
                        "description": "An event's items in order (a curated story's own order "
                                       "first). From/to take a date or time in UTC, e.g. "
                                       "2011-10-21 or 2011-10-21T14:00.",
                        "sql": TIMELINE_SQL.strip(),
                        "hide_sql": True,
                    },
                    "photos": {
                        "title": "Photos of an event",
                        "description": "Every photo people shared, in time order, with who "
                                       "took it, its description and licence. Photos copied "
                                       "from archives show here; others link to the original.",
                        "sql": PHOTOS_SQL.strip(),
                        "hide_sql": True,
                    },
                    "referrers": {
                        "title": "Who linked to a page",
                        "description": "The posts that link to an address, whether they used "
                                       "a short link or the page's own address, with where the "
                                       "link led and any archived copy.",
                        "sql": REFERRERS_SQL.strip(),
                        "hide_sql": True,
                    },
                },
            }
        },
    }
