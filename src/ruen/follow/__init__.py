"""Following sources (extra ``ruen[follow]``): what ministries' feeds, sitemaps and pages list,
fetched politely, each story once, digested, and a briefing to read it.

``fetch`` fetches (robots.txt, per-host delay, retries, limits, conditional GET); ``sources``
reads feeds, sitemaps, pages and source lists; ``store`` is the SQLite store; ``run`` is one
run of ``ruen follow``; ``briefing`` renders ``ruen briefing``. ``ruen.stories`` finds reprints.
"""

from ruen.follow.fetch import Fetcher, FetchError, Politeness, Response
from ruen.follow.sources import Entry, Listing, Source, read_listing, read_sources

__all__ = [
    "Entry",
    "FetchError",
    "Fetcher",
    "Listing",
    "Politeness",
    "Response",
    "Source",
    "read_listing",
    "read_sources",
]
