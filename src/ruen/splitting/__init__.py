"""Russian sentence splitting, razdel-style: candidates found, small named rules decide.

``splitter`` finds the candidate boundaries and applies the rules; ``rules`` holds the rules;
``abbreviations`` the word lists they consult.
"""

from ruen.splitting.splitter import (
    CLAUSE_SEPARATORS,
    LONGEST_SENTENCE,
    Span,
    explain,
    paragraphs,
    sentenize,
    split_sentences,
)

__all__ = [
    "CLAUSE_SEPARATORS",
    "LONGEST_SENTENCE",
    "Span",
    "explain",
    "paragraphs",
    "sentenize",
    "split_sentences",
]
