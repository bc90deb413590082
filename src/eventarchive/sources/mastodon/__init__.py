"""Mastodon: hashtag timelines on chosen instances and account statuses ► records.

The parse functions are pure. A status is keyed on its federation ``uri``, which is the same on
every instance, so a post seen through two instances is one item; status, account and media
*ids* are local to the instance that answered, and are used only for paging.

``in_reply_to`` holds the parent's item id (``mastodon:`` + its ``uri``) when it can be learnt
(the parent is on the same page, or ``GET /api/v1/statuses/:id`` on the same instance answers);
otherwise it stays empty, so a later sighting that can resolve it fills the gap. The
instance-local ``in_reply_to_id`` is always kept in ``raw``.
"""


from .api import (  # noqa: F401 - the source's public names, as before the split
    DEFAULT_INSTANCES,
    LIMIT,
    NAME,
    SOURCE,
    TOKEN_ENV,
    InstanceToken,
    connect,
    fetch,
    plan,
    split_handle,
)
from .parse import (  # noqa: F401
    PLATFORM,
    author,
    full_acct,
    page_uris,
    parse_page,
    parse_status,
)
