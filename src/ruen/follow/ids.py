"""One id for one page: its address without what only tracks the reader.

Why only known trackers go: a query string often *is* the page on Russian and Belarusian
government sites (Bitrix's ``/detail.php?ELEMENT_ID=61``, ``news.php?id=5``,
``index.php?newsid=77``, ``?nid=``, ``?doc=``), so dropping every parameter that is not on an
allow-list (courlan's strict mode, which ruen used before layout 2 of the store) gave four
pages one id and lost three of them. Here every parameter stays, sorted, except the tracking
parameters below, which never change what a server sends.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that only say where a reader came from (analytics, ad clicks, mailing lists);
# names compared in lower case. A prefix ends with "_" or "*".
TRACKERS = (
    "utm_*",  # Google Analytics campaigns, and everyone's
    "fbclid",  # Facebook
    "gclid",  # Google Ads
    "dclid",  # Google Display
    "gbraid",  # Google Ads on iOS
    "wbraid",
    "msclkid",  # Microsoft Ads
    "yclid",  # Yandex Direct
    "ysclid",  # Yandex search
    "_openstat",  # Openstat (Russian analytics)
    "from_block",  # VK's share links
    "igshid",  # Instagram
    "twclid",  # X (Twitter) Ads
    "mc_cid",  # Mailchimp
    "mc_eid",
    "_ga",  # Google Analytics cross-domain
    "_gl",
    "_hsenc",  # HubSpot
    "_hsmi",
    "mkt_tok",  # Marketo
    "oly_anon_id",  # Omeda
    "oly_enc_id",
    "rb_clickid",  # Rambler / Top100
    "erid",  # Russian ad-marking id (ORD): the same page, a different ad
)
# Session ids, which some sites put in every link and change on every visit: the same page
# under a new address each run (then fetched again, stored as a reprint of itself).
SESSIONS = (
    "phpsessid",  # PHP
    "jsessionid",  # Java servlets (also as a path parameter: /news;jsessionid=...)
    "aspsessionid*",  # classic ASP
    "cfid",  # ColdFusion
    "cftoken",
    "sessionid",
    "session_id",
    "zenid",  # Zen Cart
    "oscsid",  # osCommerce
)
_EXACT = frozenset(name for name in (*TRACKERS, *SESSIONS) if not name.endswith("*"))
_PREFIXES = tuple(name[:-1] for name in (*TRACKERS, *SESSIONS) if name.endswith("*"))
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid)=[^/?#]*", re.IGNORECASE)


def tracker(name: str) -> bool:
    """Whether a query parameter only tracks the reader or names a session."""
    lower = name.lower()
    return lower in _EXACT or lower.startswith(_PREFIXES)


def canonical(url: str) -> str:
    """One id for one page under all its addresses: tracking and session parameters (also a
    path's ``;jsessionid=``) and the fragment gone, every other parameter kept and sorted, the
    host in lower case without ``www.`` and its default port, no trailing slash, https."""
    from courlan import normalize_url

    parts = urlsplit(url.strip())
    parts = parts._replace(path=_PATH_SESSION.sub("", parts.path))
    kept = sorted(  # by name only: the values of a repeated name keep their order
        ((name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
         if not tracker(name)),
        key=lambda pair: pair[0],
    )  # fmt: skip
    # courlan normalises the rest (case, default port, dot segments, percent-encoding) as
    # ruen's ids always had it, so that ids of pages without parameters stay as they were.
    bare = urlsplit(normalize_url(urlunsplit(parts._replace(query="", fragment="")),
                                  strict=True, trailing_slash=False))  # fmt: skip
    host = bare.netloc.lower().removeprefix("www.")
    path = re.sub(r"/+$", "", bare.path) or "/"
    return urlunsplit(("https", host, path, urlencode(kept), ""))
