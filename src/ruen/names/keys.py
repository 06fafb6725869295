"""Names written in Latin letters, reduced to a key that the usual spellings of one name share.

Why keys and not one transliteration: "Захарова" is Zakharova in every scheme, but "Дмитрий"
is Dmitry (Wikipedia), Dmitriy (BGN/PCGN), Dmitrii (ICAO Doc 9303) and Dmitri (many papers);
"Алексей" Aleksey, Aleksei, Alexei, Alexey. Each scheme's output goes through :func:`loose`,
which folds the choices the schemes differ on (й as y, i or j; я as ya, ia or ja; х as kh, h
or x; кс as ks or x; the soft and hard signs; a doubled letter), so that the spellings people
use meet in one key while two different names stay apart (Zakharova is not Zakharchenko).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# The schemes of iuliia whose output people write names in: Wikipedia's, the US and UK
# governments' (BGN/PCGN), passports' (ICAO Doc 9303 since 2013, and the Russian MVD's
# earlier rules), the Moscow metro's and Yandex's, the scholars' (UNGEGN's, with š and č),
# and the "telegram" spelling of chats.
SCHEMES = (
    "WIKIPEDIA",
    "BGN_PCGN",
    "ICAO_DOC_9303",
    "MVD_782",
    "MOSMETRO",
    "YANDEX_MAPS",
    "UNGEGN_1987",
    "TELEGRAM",
    "GOST_52535",
)

# Applied in order to a lower-case Latin word without diacritics.
_FOLDS = (
    (r"[^a-z]", ""),  # apostrophes for the soft sign, hyphens, spaces
    (r"x", "ks"),  # Alexei, Xenia: кс
    (r"shch|shh|sch", "sc"),  # щ
    (r"kh", "h"),  # х
    (r"zh", "j"),  # ж
    (r"ts|tz|cz", "c"),  # ц
    (r"ch", "c"),  # ч
    (r"ph", "f"),
    (r"ck", "k"),
    (r"w", "v"),
    (r"ii(?=[aeou])|iy(?=[aeou])", "y"),  # Mariya, Iuliia: я after и
    (r"^i(?=[aeou])", "y"),  # Iurii, Iuliia: ю, я at the start
    (r"(?<=[aeiouy])j(?=[aeiou])|(?<=[aeiouy])i(?=[aeiou])", "y"),  # й between vowels
    (r"^j(?=[aeiou])|(?<=[^aeiouy])j(?=[aeiou])", "y"),  # я, ю, е as ja, ju, je
    (r"(?<=[^aeiouy])i(?=[aou])", "y"),  # ia, iu, io after a consonant: я, ю, ё
    (r"(?<=[^aeiouy])ie", "ye"),  # Soloviev, Solovyev
    (r"^ye|^e", "e"),  # Yevgeny, Evgeny
    (r"iy$|ii$|yi$|yy$|ij$|i$|y$", "y"),  # Dmitry, Dmitriy, Dmitrii, Dmitri, Zelenskyy
    (r"ei|ej", "ey"),  # Aleksei, Alexey
    (r"ai|aj", "ay"),  # Nikolai, Nikolay
    (r"oi|oj", "oy"),
    (r"yo", "e"),  # ё written as yo or e
    (r"ye(?=[^aeiou]|$)", "e"),  # Dostoyevsky, Dostoevsky
    (r"(.)\1+", r"\1"),  # doubled letters
)
_COMPILED = tuple((re.compile(pattern), repl) for pattern, repl in _FOLDS)


def ascii_letters(text: str) -> str:
    """Lower case, diacritics gone (Erdoğan, Ščukin, Zelenskiĭ)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (
        plain.replace("ß", "ss")
        .replace("ı", "i")
        .replace("ø", "o")
        .replace("æ", "ae")
        .replace("ł", "l")  # Polish ł has no decomposition: Kozłowski is Kozlowski
    )


@functools.lru_cache(maxsize=16384)
def loose(word: str) -> str:
    """The key of a name written in Latin letters."""
    key = ascii_letters(word)
    for pattern, repl in _COMPILED:
        key = pattern.sub(repl, key)
    return key


@functools.lru_cache(maxsize=16384)
def transliterations(word: str) -> frozenset[str]:
    """A Russian word in the Latin spellings of :data:`SCHEMES`."""
    import iuliia

    lower = word.lower()
    return frozenset(
        ascii_letters(getattr(iuliia, scheme).translate(form))
        for form in {lower, lower.replace("ё", "е")}
        for scheme in SCHEMES
    )


@functools.lru_cache(maxsize=16384)
def keys(word: str) -> frozenset[str]:
    """The keys of a Russian word's transliterations."""
    return frozenset(loose(spelling) for spelling in transliterations(word))
