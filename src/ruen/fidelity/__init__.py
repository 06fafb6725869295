"""The fidelity check: does the English keep the Russian's figures, dates, addresses and names?

``checks`` holds one small named function per kind of flag; ``figures`` reads the numbers,
dates and times of each language as values, with the word lists of ``numerals``; ``addresses``
finds web and e-mail addresses and link targets (which translation also keeps from the model).
"""

import functools
import hashlib
from importlib import resources

from ruen.fidelity.checks import CHECKS, check
from ruen.flags import KINDS, REPAIRABLE, Flag

__all__ = ["CHECKS", "KINDS", "REPAIRABLE", "Flag", "check", "checker_version"]


@functools.cache
def checker_version() -> str:
    """A digest of the code and word lists the check is made of (this package and
    ``ruen.names``): repair's cached choices are keyed by it, so that a choice made by another
    version of the check, which may read a hypothesis otherwise, is made again."""
    digest = hashlib.sha256()
    for package in ("ruen.fidelity", "ruen.names"):
        folder = resources.files(package)
        files = [f for f in folder.iterdir() if f.name.endswith(".py")]
        data = folder.joinpath("data")
        if data.is_dir():
            files += list(data.iterdir())
        for file in sorted(files, key=lambda f: f.name):
            if file.is_file():
                digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]
