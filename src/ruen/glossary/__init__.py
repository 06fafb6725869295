"""Glossaries: the house's names for bodies and agencies, found in the Russian in any case form,
enforced in the English (``translation/terms.py``) and checked (a ``term`` flag).

``data/`` holds the shipped glossaries (``ru-gov``, ``by-gov``) with their sources.
"""

from ruen.glossary.terms import HOW, SHIPPED, Glossary, Term, TermMatch, TermUse

__all__ = ["HOW", "SHIPPED", "Glossary", "Term", "TermMatch", "TermUse"]
