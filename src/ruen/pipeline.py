"""The digest: split the Russian text, score its sentences, translate them, keep the key ones.

This module only composes the stages (``documents``, ``splitting``, ``summarization``,
``translation``, ``fidelity``) and reads top to bottom; each stage can be used, tested and
replaced on its own. One document and an archive of them take the same path: each document
is planned (split, scored, its key sentences picked when summarising first), the sentences of
neighbouring documents are translated together, and each digest is finished from its share.
"""

from __future__ import annotations

import logging
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ruen.documents import Document
from ruen.errors import InputError, InternalError
from ruen.fidelity import Flag, check
from ruen.names.keep import keep_names_many
from ruen.records import Digest, DocumentError, SentenceRecord, Title
from ruen.splitting import Span, paragraphs, sentenize
from ruen.summarization import SIGNATURE, score_sentences, summarize
from ruen.translation import DEFAULT_BACKEND, Translation, Translator, load_translator
from ruen.translation.options import TranslateOptions

MODES = ("summarise-first", "translate-first")
# Sentences translated together across neighbouring documents: enough for full batches on every
# core, few enough that memory stays flat however long the archive (benchmarks/corpus.py).
WINDOW = 256

DocumentLike = str | Document | Mapping[str, Any]
logger = logging.getLogger("ruen")


def digest(
    document: str | Document,
    options: TranslateOptions | None = None,
    *,
    model: str | os.PathLike[str] | None = None,
    k: int | float = 3,
    mode: str = "summarise-first",
    full_translation: bool = True,
    translator: Translator | None = None,
    backend: str = DEFAULT_BACKEND,
    device: str = "auto",
    progress: Callable[[int], object] | None = None,
    **overrides: Any,
) -> Digest:
    """Digest a Russian text: its key sentences in English, and its full translation.

    ``document`` is a :class:`~ruen.documents.Document` (from :func:`ruen.read_document`:
    a page, a Markdown file or a text file, with its title, date and address), or a ``str``
    taken as it is; the records' offsets point into that text (``Document.text``). A title
    is translated and checked too, but never picked as a key sentence.

    ``mode="summarise-first"`` (the default) picks the key sentences on the Russian source;
    with ``full_translation=False`` only those are translated, k/n of the cost. On the WMT21/22
    documents its choice shares 75-80 % of the sentences with the choice made on the reference
    English at k=3 (benchmarks/summarise_first.py), and it picks on the source rather than on
    machine output. ``mode="translate-first"`` translates everything and picks on the English.
    A sentence left untranslated has ``en=None``.

    ``options`` (:class:`~ruen.TranslateOptions`) or keyword overrides of its fields
    (``beam_size=4``) say how to translate. Every translated sentence is checked
    (:func:`ruen.check`) and carries its flags; unless ``repair=False``, a sentence whose
    English changed a figure, a date, an address or a name, or left Russian in, gets the best
    hypothesis of the model's n-best list that does so less, and says so (``repaired``);
    ``repair=False`` gives exactly the model's own best output. ``translator`` lets a caller
    reuse one it already holds; otherwise ``model`` is loaded through
    :func:`ruen.load_translator`'s cache.
    """
    (result,) = digest_many(
        [document],
        options,
        model=model,
        k=k,
        mode=mode,
        full_translation=full_translation,
        translator=translator,
        backend=backend,
        device=device,
        progress=progress,
        **overrides,
    )
    assert isinstance(result, Digest)  # errors are raised, not recorded, by default
    return result


def digest_many(
    documents: Iterable[DocumentLike],
    options: TranslateOptions | None = None,
    *,
    model: str | os.PathLike[str] | None = None,
    k: int | float = 3,
    mode: str = "summarise-first",
    full_translation: bool = True,
    translator: Translator | None = None,
    backend: str = DEFAULT_BACKEND,
    device: str = "auto",
    progress: Callable[[int], object] | None = None,
    window: int = WINDOW,
    on_error: str = "raise",
    client: Any = None,
    load: Mapping[str, Any] | None = None,
    **overrides: Any,
) -> Iterator[Digest | DocumentError]:
    """Digest each of ``documents`` (str, :class:`~ruen.documents.Document`, or a mapping
    with ``"text"`` and an optional ``"id"``), yielding the digests in input order, each equal
    to :func:`digest` of that document alone.

    The documents are read one at a time, and the sentences of neighbouring documents are
    translated together, ``window`` sentences at a time, so that short notes fill whole
    batches and memory stays flat however many documents come. ``on_error="record"`` yields
    a :class:`~ruen.records.DocumentError` for a document that cannot be digested (empty, or
    one given as a DocumentError already) and goes on; ``"raise"`` raises it. ``load`` adds
    arguments of :func:`ruen.load_translator` (``compute_type``, ``cache``, ...) to ``model``,
    ``backend`` and ``device``. With ``client`` (a ``dask.distributed.Client``; extra
    ``ruen[dask]``) the documents go to the cluster's workers in shards, each worker loading
    the model once (with the arguments ``translator`` was loaded with, where one is given).
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if on_error not in ("raise", "record"):
        raise ValueError(f"on_error must be 'raise' or 'record', not {on_error!r}")
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise ValueError(f"window must be a positive integer, not {window!r}")
    chosen = TranslateOptions.build(options, overrides, repair=True)
    work = Work(k, mode, full_translation, chosen, on_error)
    arguments = {"model": model, "backend": backend, "device": device, **(load or {})}
    if client is not None:
        from ruen.cluster import digest_on_cluster

        where = translator.load_arguments if translator is not None else arguments
        yield from digest_on_cluster(client, documents, work, where, window)
        return
    if translator is None:
        translator = load_translator(**arguments)
    pending: list[Plan | DocumentError] = []
    size = 0
    for item in documents:
        planned = work.plan(item)
        pending.append(planned)
        size += len(planned.texts) if isinstance(planned, Plan) else 0
        if size >= window:
            yield from work.finish(pending, translator, progress)
            pending, size = [], 0
    yield from work.finish(pending, translator, progress)


@dataclass(frozen=True)
class Plan:
    """One document, split and scored, with what it sends to the model (internal: the
    server's batcher and the Dask workers use it too)."""

    id: str | None
    document: Document
    spans: list[Span]
    scores: list[float] | None  # None until translate-first has the English
    selected: list[int] | None
    wanted: list[int]  # the sentences to translate

    @property
    def texts(self) -> list[str]:
        title = [self.document.title] if self.document.title else []
        return title + [self.spans[i].text for i in self.wanted]


@dataclass
class Translated:
    """What :meth:`Work.translate` made of some plans (by ``id`` of the plan): each one's
    translations, the fault of one that could not be translated, and a note where a step was
    skipped for it."""

    shares: dict[int, list[Translation]] = field(default_factory=dict)
    faults: dict[int, InternalError] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Work:
    """What every document of a run is digested with: plan each document, translate the
    plans' texts together, finish each digest from its share (internal, as Plan)."""

    k: int | float
    mode: str
    full_translation: bool
    options: TranslateOptions
    on_error: str

    def plan(self, item: DocumentLike | DocumentError) -> Plan | DocumentError:
        """Split the document and, summarising first, pick its key sentences."""
        if isinstance(item, DocumentError):
            if self.on_error == "raise":
                raise InputError(item.error)
            return item
        identity, document = _identify(item)
        spans = list(sentenize(document.text))
        if not spans:
            error = (
                f"{identity}: empty input, there is no text to digest"
                if identity
                else ("empty input, there is no text to digest")
            )
            if self.on_error == "raise":
                raise InputError(error)
            return DocumentError(identity, error)
        if self.mode == "summarise-first":
            russian = [span.text for span in spans]
            scores = score_sentences(russian, lang="ru")
            selected = summarize(russian, self.k, lang="ru")
            wanted = list(range(len(spans))) if self.full_translation else selected
            return Plan(identity, document, spans, scores, selected, wanted)
        return Plan(identity, document, spans, None, None, list(range(len(spans))))

    def finish(
        self,
        pending: list[Plan | DocumentError],
        translator: Translator,
        progress: Callable[[int], object] | None,
    ) -> Iterator[Digest | DocumentError]:
        """Translate the sentences of all ``pending`` documents in one call (one a state, where
        a shipped glossary's names depend on whose documents they are), then build each
        digest from its share, in order.

        Whatever fails inside one document's steps ends no run: a window that fails together
        is done again a document at a time, so that only the document at fault is lost; its
        names step, where that is what fails, is skipped with a note in its digest; else it
        gets an error that names the step (``on_error="record"``: a DocumentError, and the
        run goes on)."""
        translated = self.translate(
            [p for p in pending if isinstance(p, Plan)], translator, progress
        )
        settings = self.settings(translator)
        for plan in pending:
            if isinstance(plan, DocumentError):
                yield plan
            else:
                yield self.complete(plan, translated, translator.name, settings)

    def translate(
        self,
        plans: list[Plan],
        translator: Translator,
        progress: Callable[[int], object] | None = None,
    ) -> Translated:
        """Every model call of ``plans``: their texts translated together (one call a state,
        where a shipped glossary's names depend on whose documents they are) and their people
        and places kept. The only step that calls the model: ``digest_many``, the Dask
        workers and ``ruen serve``'s batcher all call it, and :meth:`complete` the rest."""
        groups: dict[str | None, list[Plan]] = {}
        for plan in plans:
            groups.setdefault(self.home(plan), []).append(plan)
        translated = Translated()
        for home, group in groups.items():
            self._translate(group, home, translator, progress, translated)
        return translated

    def complete(
        self, plan: Plan, translated: Translated, model: str, settings: dict[str, Any]
    ) -> Digest | DocumentError:
        """The digest of a plan from its share of :meth:`translate`; the error that says
        which step failed inside, where one did (raised where ``on_error="raise"``)."""
        fault = translated.faults.get(id(plan))
        if fault is None:
            try:
                made = self.digest(plan, translated.shares[id(plan)], model, settings)
            except Exception as exc:
                fault = _fault(plan, "finishing the digest", exc)
            else:
                note = translated.notes.get(id(plan))
                return replace(made, notes=(*made.notes, note)) if note else made
        if self.on_error == "raise":
            raise fault from fault.__cause__
        return DocumentError(plan.id, str(fault), internal=True)

    def _translate(
        self,
        group: list[Plan],
        home: str | None,
        translator: Translator,
        progress: Callable[[int], object] | None,
        translated: Translated,
    ) -> None:
        """The group's translations with its people and places kept, into ``translated``;
        where that fails, each document alone, and for a document alone whose names fail, its
        translations without them (with a note that says so); a document that cannot be
        translated gets its fault."""
        options = self.options_at(home)
        try:
            texts = [text for plan in group for text in plan.texts]
            done = translator.translate_detailed(texts, options, progress=progress)
        except Exception as exc:
            if len(group) > 1:
                for plan in group:
                    self._translate([plan], home, translator, None, translated)
            else:
                translated.faults[id(group[0])] = _fault(group[0], "translating", exc)
            return
        cursor, work = 0, []
        for plan in group:
            work.append((plan, done[cursor : cursor + len(plan.texts)], options))
            cursor += len(plan.texts)
        try:
            # People and places kept for the group at once, as it was translated (reading the
            # n-best lists repair searched in this call).
            kept = _kept(work, translator)
        except Exception as exc:
            if len(group) > 1:
                for plan in group:
                    self._translate([plan], home, translator, None, translated)
                return
            fault = _fault(group[0], "keeping people and places", exc)
            logger.warning("%s", fault)
            translated.notes[id(group[0])] = f"people and places not kept: {fault}"
            kept = [done]
        for plan, share in zip(group, kept):
            translated.shares[id(plan)] = share

    def home(self, plan: Plan) -> str | None:
        """The state a document is about, where its glossary has states' bodies."""
        glossary = self.options.glossary
        if glossary is None or not any(term.owner for term in glossary):
            return None
        from ruen.glossary.owners import DEFAULT_HOME, home

        return home(plan.document.text) or DEFAULT_HOME

    def options_at(self, home: str | None) -> TranslateOptions:
        """The options for a document about ``home``: its glossary sees the whole document."""
        if self.options.glossary is None or home is None:
            return self.options
        return replace(self.options, glossary=self.options.glossary.at_home(home))

    def settings(self, translator: Translator) -> dict[str, Any]:
        """How the digests of this work are made, for their ``settings``."""
        return {
            "translation": translator.signature(translator.settings(self.options)),
            "summarizer": SIGNATURE,
            "mode": self.mode,
            "full_translation": self.full_translation or self.mode == "translate-first",
            "repair": self.options.repair,
            **({"glossary": self.options.glossary.describe()} if self.options.glossary else {}),
        }

    def digest(
        self,
        plan: Plan,
        done: list[Translation],
        model: str,
        settings: dict[str, Any],
    ) -> Digest:
        """The digest of one planned document, from the translations of its texts, its people
        and places kept already (:meth:`translate`)."""
        document = plan.document
        options = self.options_at(self.home(plan))
        headline, done = (done[:1], done[1:]) if document.title else ([], done)
        results: list[Translation | None] = [None] * len(plan.spans)
        for i, result in zip(plan.wanted, done):
            results[i] = result
        scores, selected = plan.scores, plan.selected
        if scores is None or selected is None:  # translate-first: pick on the English
            english = [result.text if result else "" for result in results]
            scores = score_sentences(english, lang="en")
            selected = summarize(english, self.k, lang="en")
        chosen = set(selected)
        glossary = options.glossary
        breaks = [start for start, _ in paragraphs(document.text)]
        records = []
        for i, (span, result, score) in enumerate(zip(plan.spans, results, scores)):
            flags, terms, names = _told(span.text, result, glossary)
            records.append(
                SentenceRecord(
                    i,
                    span.start,
                    span.stop,
                    span.text,
                    result.text if result else None,
                    i in chosen,
                    round(score, 6),
                    repaired=bool(result and result.repaired),
                    flags=flags,
                    paragraph=bisect_right(breaks, span.start) - 1,
                    terms=terms,
                    names=names,
                )
            )
        title = None
        if document.title:
            (result,) = headline
            flags, terms, names = _told(document.title, result, glossary)
            title = Title(document.title, result.text, result.repaired, flags, terms, names)
        return Digest(
            sentences=records,
            model=model,
            k=self.k,
            settings=settings,
            title=title,
            date=document.date,
            url=document.url,
            id=plan.id,
            notes=document.notes,
        )


def _fault(plan: Plan, step: str, exc: Exception) -> InternalError:
    """An error that says which document and which step failed inside ruen, and why."""
    where = f"{plan.id}: " if plan.id else ""
    error = InternalError(
        f"{where}internal error while {step}: {type(exc).__name__}: {exc} (a fault in ruen, "
        "not in the input; please report it)"
    )
    error.__cause__ = exc
    return error


def _kept(
    work: list[tuple[Plan, list[Translation], TranslateOptions]], translator: Translator | None
) -> list[list[Translation]]:
    """Each document's translations with its people and places kept, one spelling per person
    (``ruen.names.keep``), each saying how its names got in; the decodes of all in one call."""
    kept = keep_names_many(
        [(plan.texts, [result.text for result in done], options) for plan, done, options in work],
        translator=translator,
    )
    return [
        [replace(r, text=e, names=n) for r, e, n in zip(done, english, names)]
        for (_, done, _), (english, names) in zip(work, kept)
    ]


def _told(
    ru: str, result: Translation | None, glossary: Any
) -> tuple[tuple[Flag, ...], tuple[Any, ...], tuple[Any, ...]]:
    """The check's flags of a sentence, and what its record says of its terms and names, so
    that the two never disagree: a term or name the check finds missing from the English is
    ``missing``, however it was meant to get in (a later decode, keeping another name, may
    have replaced a forced one); a ``name`` flag names the spelling the document uses (a
    house glossary's first), not the list's; and for a person the document spells otherwise
    here, a ``name`` flag says so (the check sees one sentence; the spelling is the
    document's)."""
    if result is None:
        return (), (), ()
    flags = check(ru, result.text, glossary=glossary)
    flagged = {(f.kind, f.source) for f in flags}
    terms = tuple(
        replace(use, how="missing") if ("term", use.source) in flagged else use
        for use in result.terms
    )
    names = tuple(
        replace(use, how="missing") if ("name", use.source) in flagged else use
        for use in result.names
    )
    spelled = {use.source: use.english for use in names}
    flags = [
        replace(f, message=_EXPECTED.sub(f"expected {spelled[f.source]}", f.message))
        if f.kind == "name" and spelled.get(f.source)
        else f
        for f in flags
    ]
    for use in names:
        if use.how == "missing" and ("name", use.source) not in flagged:
            flags.append(
                Flag(
                    "name",
                    use.source,
                    None,
                    f"{use.source}: {use.english} elsewhere in the document",
                )
            )
    return tuple(flags), terms, names


_EXPECTED = re.compile(r"expected \S.*$")


def _identify(item: DocumentLike) -> tuple[str | None, Document]:
    """A document and its id: the mapping's "id", or the document's file name."""
    if isinstance(item, Document):
        return item.name, item
    if isinstance(item, str):
        return None, Document(item)
    if isinstance(item, Mapping):
        text = item.get("text")
        if isinstance(text, Document):
            return _id(item.get("id")) or text.name, text
        if not isinstance(text, str):
            raise TypeError("a document mapping needs a str 'text'")
        return _id(item.get("id")), Document(text)
    raise TypeError(f"a document is a str, a Document or a mapping, not {type(item).__name__}")


def _id(value: Any) -> str | None:
    return None if value is None else str(value)
