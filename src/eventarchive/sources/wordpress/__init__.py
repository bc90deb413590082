"""WordPress: a blog post and every reader comment on it (see ``parse`` and ``fetch``)."""

from .. import Setting, Source
from .fetch import fetch_post
from .page_comments import parse_comment_list
from .parse import (
    NAME,
    PLATFORM,
    WPCOM_BASE,
    author_id,
    comment_item_id,
    discover,
    host_of,
    parse_comment_feed,
    parse_post_page,
    parse_rest_comments,
    parse_rest_post,
    parse_wpcom_comments,
    parse_wpcom_post,
    plain,
    post_item_id,
)

__all__ = ["NAME", "PLATFORM", "WPCOM_BASE", "author_id", "comment_item_id", "discover",
           "fetch_post", "host_of", "parse_comment_feed", "parse_comment_list", "parse_post_page",
           "parse_rest_comments", "parse_rest_post", "parse_wpcom_comments", "parse_wpcom_post",
           "plain", "post_item_id"]

SOURCE = Source(
    name=NAME,
    used_by="web",
    settings={"wpcom_base": Setting("url", WPCOM_BASE, "the WordPress.com public API")},
)
