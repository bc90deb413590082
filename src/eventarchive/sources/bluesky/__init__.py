"""Bluesky: payload ► records (pure functions), and fetching through the AT Protocol's XRPC API.

Posts come as ``app.bsky.feed.defs#postView`` (search results, the ``post`` of an author feed
item) or as ``app.bsky.embed.record#viewRecord`` (a quoted post). Both become the same records.
Ids are ``bluesky:`` + the post's ``at://`` URI; authors are ``bluesky:`` + their DID. Facet
offsets count UTF-8 bytes, not characters.
"""


from .api import (  # noqa: F401 - the source's public names, as before the split
    DEFAULT_APPVIEW_URL,
    DEFAULT_BASE_URL,
    HANDLE_ENV,
    NAME,
    OVERLAP,
    PAGE_SIZE,
    PASSWORD_ENV,
    SOURCE,
    Session,
    fetch,
    plan,
    search_terms,
)
from .parse import (  # noqa: F401
    PLATFORM,
    feed_item_time,
    parse_author,
    parse_feed_item,
    parse_feed_page,
    parse_post,
    parse_record_view,
    parse_search_page,
    post_time,
    post_url,
    sort_time,
)
