"""Following sources (extra ``ruen[follow]``): what ministries' feeds, sitemaps and pages list,
fetched politely. Built so far: ``fetch`` (robots.txt, per-host delay, retries, limits,
conditional GET) and ``sources`` (feeds, sitemaps, pages, source lists); ``ruen.stories``
finds reprints. The store, the ``ruen follow`` and ``ruen briefing`` commands are not built yet.
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
