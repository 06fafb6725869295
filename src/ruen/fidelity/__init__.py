"""The fidelity check: does the English keep the Russian's figures, dates, addresses and names?

``checks`` holds one small named function per kind of flag; ``figures`` reads the numbers,
dates and times of each language as values, with the word lists of ``numerals``; ``addresses``
finds web and e-mail addresses and link targets (which translation also keeps from the model).
"""

from ruen.fidelity.checks import CHECKS, KINDS, REPAIRABLE, Flag, check

__all__ = ["CHECKS", "KINDS", "REPAIRABLE", "Flag", "check"]
