"""Telegram channels as sources: the public preview of a channel (``https://t.me/s/NAME``), one
item per post.

Why the preview: ministries, officials and agencies post first, and sometimes only, on their
channels, and the preview is the one way to read a public channel without an account or an
API key. It is a web page of the channel's last posts (about twenty), each a
``div.tgme_widget_message`` with ``data-post="NAME/ID"``, its time in ``<time datetime>`` and its
text in ``div.js-message_text`` (a post quoted by a reply sits in ``js-message_reply_text``, which
is not the post's). Older posts are the same page with ``?before=ID``. Ruen reads any page
with this markup the same way, so a mirror of the preview (or a test's loopback server) is
read as a channel too.

What the preview lacks, and ruen therefore cannot give: channels that restrict it (private or
age-restricted ones show no posts), comments, the text of long files and documents, polls'
results; and conditional requests (it has no ETag or Last-Modified), so each run asks for the
page again, within the politeness floor. An edited post is told by its text's hash and
digested again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

# What a sources file may say for a channel: t.me/NAME, https://t.me/s/NAME, @NAME.
_CHANNEL = re.compile(
    r"^(?:@|(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/(?:s/)?)(?P<name>[A-Za-z][\w]{3,})/?$"
)
PREVIEW = "https://t.me/s/{name}"
_PREVIEW_PATH = re.compile(r"^/s/[A-Za-z][\w]{3,}/?$")  # a preview's path, on a mirror too
POST = "https://t.me/{name}/{id}"
# Pages a first run reads back, at most, however far the window reaches.
MAX_PAGES = 20


@dataclass(frozen=True)
class Post:
    """One post of a channel: its address, time, text, and the hash that tells an edit."""

    url: str
    published: str | None
    text: str
    edited: bool = False

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def channel_url(argument: str) -> str | None:
    """The preview address of a channel named in a sources file, or None."""
    found = _CHANNEL.match(argument.strip())
    if not found or found.group("name").lower() in ("share", "joinchat", "addstickers", "proxy"):
        return None
    return PREVIEW.format(name=found.group("name"))


def is_channel_address(url: str) -> bool:
    """Whether an address is a channel's preview (``t.me/s/NAME``, or ``/s/NAME`` on a mirror):
    a page there that is no preview means the channel has no public posts, and nothing else
    of the host is read in its place."""
    parts = urlsplit(url)
    host = parts.netloc.lower().split(":")[0].removeprefix("www.")
    return host in ("t.me", "telegram.me") or bool(_PREVIEW_PATH.match(parts.path))


def is_preview(content: bytes) -> bool:
    """Whether a page has a channel preview's markup."""
    head = content[:200_000]
    return b"tgme_widget_message" in head and b"data-post=" in head


def posts(content: bytes, base: str) -> tuple[list[Post], str | None]:
    """The posts of a preview page, oldest first, and the address of the page before it."""
    from lxml import html

    page = html.fromstring(content)
    found = []
    for message in page.xpath('//div[contains(@class, "tgme_widget_message") and @data-post]'):
        classes = message.get("class", "").split()
        if "service_message" in classes:
            continue  # "channel photo updated", "pinned": not a post
        channel, _, number = message.get("data-post", "").rpartition("/")
        if not channel or not number.isdigit():
            continue
        texts = message.xpath(
            './/div[contains(concat(" ", normalize-space(@class), " "), " js-message_text ")]'
        )
        text = _text(texts[0]) if texts else ""
        if not text.strip():
            continue  # a photo or a sticker without words: nothing to read
        times = message.xpath('.//a[contains(@class, "tgme_widget_message_date")]//time/@datetime')
        times = times or message.xpath(".//time/@datetime")
        meta = " ".join(message.xpath('.//*[contains(@class, "tgme_widget_message_meta")]//text()'))
        url = POST.format(name=channel, id=number)
        found.append(Post(url, _iso(times[0]) if times else None, text, "edited" in meta))
    before = page.xpath('//a[contains(@class, "js-messages_more")]/@href') or page.xpath(
        '//link[@rel="prev"]/@href'
    )
    earlier = urljoin(base, before[0]) if before else None
    return sorted(found, key=lambda post: post_number(post.url)), earlier


def post_number(url: str) -> int:
    """A channel post's number, the last part of its address (t.me/NAME/123)."""
    return int(url.rsplit("/", 1)[1])


def _text(element: object) -> str:
    """A post's text as its reader sees it: line breaks kept, links as their text."""
    from lxml import etree

    for br in element.iter("br"):  # type: ignore[attr-defined]
        br.tail = "\n" + (br.tail or "")
    text = etree.tostring(element, method="text", encoding="unicode")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _iso(value: str) -> str | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def channel_name(url: str) -> str:
    """The channel of a preview's address (``https://t.me/s/mfa_russia``: mfa_russia)."""
    path = urlsplit(url).path.strip("/")
    return path.split("/")[-1] if path else url
