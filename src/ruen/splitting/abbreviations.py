"""Word lists the splitter consults, kept apart from its logic so they can be read and extended.

All entries are lower case, without the final full stop; an inner full stop stays ("т.е").
"""

from __future__ import annotations

# Abbreviations that are always followed by more of the same sentence (a name, a number, a
# noun): a full stop after them never ends a sentence, whatever case the next word has.
# Those that may also close a sentence ("и т.д.", "100 руб.", "и др.") are *not* here: after
# them the case of the next word decides, as after any other word.
_ALWAYS_FOLLOWED = """
    им ул пр просп пер пл бул наб ш обл р-н мкр пос дер с/с
    проф акад доц ген полк подп чл.-корр зав зам засл нар род ум ок
    св т т.е т.к т.н т.о т.ч
    напр см ср рис табл гл ст п пп ч разд прил стр кв корп оф каб д
    тел факс моб
    г-н г-жа гр тов
    англ нем франц фр лат греч итал исп рус укр белор каз польск
    букв сокр лит арх
    mr mrs ms dr prof st vs e.g i.e cf no nr
"""
ALWAYS_FOLLOWED = frozenset(_ALWAYS_FOLLOWED.split())

# Written with a space inside, these end a list and may close a sentence ("суды и т. п."), even
# though their last letter alone ("п." for "пункт") is always followed by more.
MAY_END = frozenset({"т.д", "т.п", "и.т.д", "и.т.п", "и.др", "и.пр"})

# Abbreviations of a year or a century ("2020 г.", "XX в.", "1990-2000 гг."): after a number
# they may close a sentence; without one, "г." means "город" and is followed by a name.
YEAR_OR_CENTURY = frozenset({"г", "гг", "в", "вв"})

# Words after which a number goes on the same sentence, also where a line broke between them:
# the months in the genitive ("10 апреля\n2000 г."), and prepositions and signs that a number
# follows ("от\n9 сентября", "N\n1624").
_BEFORE_NUMBER = """
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    от до с со по в во на за к около свыше более менее n № и или года
"""
BEFORE_NUMBER = frozenset(_BEFORE_NUMBER.split())
