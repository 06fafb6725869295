"""Stop words for the summariser, shipped so that quality never depends on a download.

Function words only (pronouns, prepositions, conjunctions, particles, auxiliaries): words that
say nothing about what a sentence is about. Lower case, "ё" written as "е".
"""

from __future__ import annotations

_RU = """
а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже
для до его ее ей ему если есть еще же за и из или им их к как какой когда кто ли либо между
меня мне можно мы на над надо наш не него нее нет ни них но ну о об однако он она они оно от
очень по под после при про раз с сам свое своей свой свою себе себя со так также такой там
те тем то того тоже той только том ту тут ты у уже хотя чего чей чем что чтобы чье эта эти
это этого этой этом эту этот я который которая которые которых котором которой которого
также всё при этом является являются был будет будут может могут ходе
"""

_EN = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
said says
"""

STOP_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset(_RU.split()),
    "en": frozenset(_EN.split()),
}
