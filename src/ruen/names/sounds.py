"""Does an English spelling sound like a Russian one? For names Russian took from other languages.

Why sounds: Russian writes a foreign name as it is pronounced (Шварценеггер, Хичкок, Уиллис,
Си Цзиньпин, Кисида), and no transliteration of the Russian brings back the original spelling
(Shvartsenegger is not Schwarzenegger). So both sides are read into one coarse alphabet of
sounds: the Russian through its transliterations, the English through the ways its letters are
read in the languages names come from (English, German, French, Spanish, Italian, Polish, the
pinyin of Chinese names, which Russian writes in Palladius's system, and the Hepburn
romanisation of Japanese ones, written in Polivanov's), and the two are compared with an edit
distance. The alphabet merges voiced and voiceless pairs (б/п, д/т, г/к, з/с, в/ф), the
hushing sounds (ш, ж, ч, щ, дж), and the vowels into three classes, because transcription
blurs exactly those; it keeps the rest apart, so that a different name stays different (the
threshold is measured in ``benchmarks/names.py``).
"""

from __future__ import annotations

import functools
import re

from ruen.names.keys import ascii_letters, transliterations

# A foreign spelling's letters, and how Russian may render each (in Latin transliteration),
# longest first. Many letters have several readings; :func:`readings` tries them all, up to
# a bound.
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tsch", ("ch", "tch")),  # German: Deutsch, Дойч; Kitsch, китч; Dietsch, Дитч
    ("shch", ("shch",)),
    ("sch", ("sh",)),
    ("tch", ("ch", "tch")),  # Thatcher, Тэтчер; Mitchell, Митчелл
    ("chzh", ("zh",)),
    ("mc", ("mak", "mk")),
    ("ch", ("ch", "k", "sh", "kh", "t")),  # English, Italian, French, German; Japanese chi
    ("sh", ("sh", "s", "sg", "skh")),  # English; Japanese shi; German s-h
    ("zh", ("zh", "chzh")),  # pinyin zh
    ("ph", ("f", "p")),  # Greek ph; the aspirated p of Khmer and Thai romanisation
    ("th", ("t", "f")),  # Russian reads Greek th as ф: Фракия, Thrace
    ("ck", ("k",)),
    ("tt", ("t", "tt")),  # one sound, also before s: Kitts, Китс (Watts, Уоттс: two)
    ("kh", ("kh", "k")),  # the romanisation of х and Arabic kha: Khan, Хан; Khalid, Халид
    ("skj", ("sh",)),  # Norwegian: Solskjaer, Сульшер
    ("kj", ("sh", "ch", "kh")),
    ("nh", ("ny", "n", "nkh", "ng")),  # Portuguese: Tonha, Тонья; English: Winham, Винхэм
    ("lh", ("ly", "l", "lkh", "lg")),  # Portuguese: Coelho, Коэлью
    ("ow", ("ou", "au", "o", "ov")),  # English cow and low, Polish Kowalski
    ("eau", ("o",)),  # French: Rousseau, Руссо
    ("aud", ("o", "aud")),  # French: Michaud, Мишо
    ("ault", ("o",)),  # French: Perrault, Перро
    ("ill", ("iy", "y", "il", "ill")),  # French ill: Guillard, Гийяр; Fonvielle, Фонвьей
    ("gu", ("g", "gu")),  # French and Spanish gu before e, i: Guillard, Guevara
    ("kn", ("n", "kn")),  # English kn: Knightley, Knott
    ("wh", ("u", "v")),  # English wh: White, Уайт; Wheeler, Уилер
    ("wr", ("r",)),  # English wr: Wright
    ("gh", ("g", "")),
    ("qu", ("kv", "k", "tsyuy")),  # pinyin qu: цюй
    ("xu", ("syuy",)),  # pinyin xu (ü after x): сюй, Lin Zexu, Линь Цзэсюй
    ("ju", ("tszyuy",)),  # pinyin ju: цзюй
    ("cz", ("ch",)),  # Polish
    ("sz", ("sh",)),
    ("ong", ("un", "on")),  # pinyin -ong: Palladius -ун
    ("ng", ("n", "ng", "ndzh", "nkh")),  # pinyin -ng, Korean; Angela, Анджела; Ángel, Анхель
    ("ee", ("i",)),
    ("ie", ("e", "ie", "ye", "i")),  # Polish ie: Pietrzak, Петшак; German ie: Friedrich
    ("rz", ("zh", "sh", "rz", "rts")),  # Polish rz: Brzeziński, Бжезинский; Pietrzak, Петшак
    ("oi", ("ua", "oi")),  # French oi: Dubois, Дюбуа
    # French nasals: en and an are one sound (Gaudens, Годан; Laurent, Лоран), ain and ein
    # read en (Alain, Ален; Saint, Сен or Сан).
    ("en", ("en", "an")),
    ("ain", ("en", "an", "ain")),
    ("aint", ("en", "an")),
    ("oy", ("ua", "oy", "oi")),  # French: Leroy, Леруа; English: Boyd, Бойд
    ("ier", ("ye", "ier", "ir")),  # French -ier: Mercier, Мерсье; Gauthier, Готье
    ("bv", ("v", "bv")),  # French: Lefebvre, Лефевр
    ("st", ("st", "sht")),  # German st, sp: Stein, Штайн; Spahn, Шпан
    ("sp", ("sp", "shp")),
    ("ew", ("yu", "u")),  # English ew: Newsom, Ньюсом; Andrew, Эндрю
    ("alk", ("ok", "alk")),  # English alk, its l silent: Walker, Уокер
    ("alt", ("olt", "alt")),  # English a before l: Salt Lake, Солт-Лейк; Walter, Уолтер
    ("all", ("oll", "all")),  # Hall, Холл; Wall Street, Уолл-стрит; Marshall, Маршалл
    ("oo", ("u",)),
    ("oe", ("ou",)),  # English o before e: Joey, Джоуи; Noel, Ноуэл (o and e alone still read)
    ("ui", ("u", "ui", "uy")),  # English ui: Cruise, Круз
    ("ou", ("u", "au", "o")),
    ("au", ("o", "av", "au")),
    ("ea", ("i", "e", "ea")),
    ("eu", ("y", "e", "u", "oy", "ev")),  # Korean eu: ы; German Beust, Бойст; Greek Europa, Европа
    ("eo", ("e", "o")),  # Korean eo
    ("ae", ("e", "ae", "")),  # Michael, Майкл
    ("ay", ("ey", "ay", "ei")),
    ("ey", ("ey", "i", "ei")),
    ("c", ("k", "s", "ts")),
    ("z", ("z", "ts", "tsz")),  # German z; pinyin z: цз
    ("w", ("v", "u")),
    ("h", ("kh", "g", "")),
    # j: English, French, Spanish, pinyin, Japanese, Korean
    ("j", ("dzh", "zh", "y", "kh", "tsz", "dz", "ch")),
    ("q", ("ts", "ch", "k")),  # pinyin q: ц
    ("x", ("ks", "s", "sh")),  # pinyin x: с
    ("y", ("i", "y", "ay", "")),
    ("g", ("g", "dzh", "zh", "kh")),  # Spanish g before e, i: Ángel, Анхель
    ("s", ("s", "z")),
    ("e", ("e", "", "i", "a")),  # Arabic names in French spelling: Hichem, Хишам
    ("a", ("a", "ey", "e")),
    ("i", ("i", "ay")),
    ("u", ("u", "a", "yu", "y")),
    ("o", ("o", "e")),
)
_DIGRAPHS = (
    ("shch", "S"),
    ("sch", "S"),
    ("tsh", "S"),
    ("dzh", "S"),
    ("zh", "S"),
    ("sh", "S"),
    ("ch", "S"),
    ("kh", "h"),
    ("tsz", "C"),
    ("ts", "C"),
    ("tz", "C"),
    ("dz", "C"),
)
_LETTERS = str.maketrans(
    dict(zip("bdgqczvwjxoey", ["p", "t", "k", "k", "k", "s", "f", "f", "S", "ks", "a", "i", "i"]))
)
# Below this, two names are different names: one sound in seven may differ (Fontvieille,
# Фонвьей; Axeli, Акселя), one in six may not (benchmarks/names.py measures it: 0.85 spared
# three of 32 false alarms on the dev half for 0.1 point of detection; 0.8, five for 1.3).
SOUNDS_ALIKE = 0.85
MAX_READINGS = 1024


def coarse(latin: str) -> str:
    """A Latin spelling in the coarse alphabet of sounds (see the module's docstring)."""
    out = []
    i = 0
    while i < len(latin):
        for digraph, sound in _DIGRAPHS:
            if latin.startswith(digraph, i):
                out.append(sound)
                i += len(digraph)
                break
        else:
            out.append(latin[i].translate(_LETTERS) if "a" <= latin[i] <= "z" else "")
            i += 1
    return re.sub(r"(.)\1+", r"\1", "".join(out))


# Latin and Greek nominative endings Russian drops: Augustus is Август, Pyrrhus Пирр, Pius Пий.
_CLASSICAL_ENDING = re.compile(r"(?<=[a-z]{3})(?:us|os|as|es)$")
# French final consonants Russian does not hear: Bouchard, Бушар; Hortefeux, Ортефё; and the
# final s or es after n, r, t (Gaudens, Годан; Nantes, Нант).
_SILENT_END = re.compile(
    r"(?:(?<=[aeiou][rn])d|(?<=[aeo]u)x|(?<=[aeo]i)s|(?<=[a-z]{2}[eo])t|(?<=[aeo]n)t|"
    r"(?<=[aeiou]n)c|(?<=er)t|(?<=[a-z]i)t|(?<=[a-z]{3}[nrt])e?s)$"
)


# Umlauts as Russian writes them from Finnish, Estonian, Swedish and German after a consonant
# (Mäkinen, Мякинен; Nääs, Няэс; Päts, Пяэтс; Kröger, Крёгер; Müller, Мюллер), besides the
# plain vowel the folded letters already give (Händel, Гендель).
_UMLAUTS = (("ää", "yae"), ("ä", "ya"), ("öö", "yo"), ("ö", "yo"), ("üü", "yu"), ("ü", "yu"))
# Polish letters as Russian writes them (Dąbrowski, Домбровский; Stępień, Стемпень; Wróbel,
# Врубель; Bąk, Бонк), where the spelling keeps them.
_POLISH = (("ą", "on"), ("ę", "en"), ("ó", "u"), ("ł", "l"), ("ż", "zh"), ("ź", "z"), ("ś", "s"),
           ("ć", "ch"), ("ń", "n"))  # fmt: skip
# Portuguese nasal vowels as Russian writes them (São Paulo, Сан-Паулу; João, Жуан; Camões,
# Камоэнс), where the spelling keeps the tilde.
_PORTUGUESE = (("ão", "an"), ("ãe", "ay"), ("ã", "an"), ("õe", "oyn"), ("õ", "on"))
# Portuguese endings Russian writes as heard: a nasal final m is н (Belém, Белен; Santarém,
# Сантарен), an unstressed final o is у (Maputo, Мапуту; Porto, Порту).
_PORTUGUESE_END = ((re.compile(r"(?<=[aeiou])m$"), "n"), (re.compile(r"(?<=[a-z]{3})o$"), "u"))


_MAGIC_E = re.compile(r"(?<=[^aeiou])([aio])([bcdfgklmnprstvz])e(?=s?$)")
_LONG = {"a": "ey", "i": "ay", "o": "ou"}


@functools.lru_cache(maxsize=4096)
def readings(word: str) -> frozenset[str]:
    """The ways Russian may have heard a foreign spelling, in the coarse alphabet."""
    letters = re.sub(r"[^a-z]", "", ascii_letters(word))
    found = _readings(letters)
    # English's silent final e lengthens the vowel before it: Pope, Поуп; Blake, Блейк;
    # Wise, Уайз; Rhodes, Роудс.
    magic = _MAGIC_E.sub(lambda m: _LONG[m.group(1)] + m.group(2), letters)
    if magic != letters:
        found |= _readings(magic)
    lower = word.lower()
    for table in (_UMLAUTS, _POLISH, _PORTUGUESE):
        if any(letter in lower for letter, _ in table):
            written = lower
            for letter, russian in table:
                written = written.replace(letter, russian)
            found |= _readings(re.sub(r"[^a-z]", "", ascii_letters(written)))
    stems = {_CLASSICAL_ENDING.sub("", letters), _SILENT_END.sub("", letters)}
    stems |= {ending.sub(heard, letters) for ending, heard in _PORTUGUESE_END}
    for stem in stems - {letters}:
        found |= _readings(stem)
    return found


def _readings(letters: str) -> frozenset[str]:
    """Every way to read ``letters`` letter group by letter group, where groups may overlap
    ("zh" of "Alzheimer" is z and h; of "Zhukov", ж), at most :data:`MAX_READINGS`."""
    # Readings by position, each once, in the order found (a dict: a membership test is cheap).
    partial: dict[int, dict[str, None]] = {0: {"": None}}
    for i in range(len(letters)):
        heads = partial.pop(i, None)
        if not heads:
            continue
        groups = [(g, alts) for g, alts in RULES if letters.startswith(g, i)] or [
            (letters[i], (letters[i],))
        ]
        for graph, alternatives in groups:
            nxt = partial.setdefault(i + len(graph), {})
            for reading in (h + a for h in heads for a in alternatives):
                if len(nxt) >= MAX_READINGS:
                    break
                nxt.setdefault(reading, None)
    return frozenset(coarse(reading) for reading in partial.get(len(letters), {"": None}))


@functools.lru_cache(maxsize=16384)
def heard(russian: str) -> frozenset[str]:
    """A Russian word in the coarse alphabet, through its transliterations."""
    return frozenset(coarse(spelling) for spelling in transliterations(russian))


def consonants(sounds: str) -> str:
    """A word in the alphabet of sounds without its vowels."""
    return re.sub(r"[aiu]", "", sounds)


def sounds_alike(russian: str, latin: str) -> float:
    """How alike a Russian word and a Latin spelling sound: 1.0 for the same sounds."""
    ours, theirs = heard(russian), readings(latin)
    if not ours or not theirs:
        return 0.0
    if not ours.isdisjoint(theirs):
        return 1.0
    from rapidfuzz.distance import Levenshtein

    return max(
        Levenshtein.normalized_similarity(a, b, score_cutoff=SOUNDS_ALIKE - 0.1)
        for a in ours
        for b in theirs
    )
