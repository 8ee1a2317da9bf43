"""Which post/locale pairs get a page, and why the others are held back."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polib

from pipeline import catalog
from pipeline.config import Config
from pipeline.document import Document
from pipeline.engines.pseudo import is_pseudo
from pipeline.site import Edition, PageRef

if TYPE_CHECKING:
    from pipeline.posts import Post


@dataclass(frozen=True)
class Decision:
    post: str
    locale: str
    published: bool
    percent: float  # share of entries with a publishable translation
    reason: str


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    translations: dict[str, str] | None  # None: not published
    pseudo: bool = False  # the page shows pseudo-localized text


def judge(
    slug: str, locale: str, po: polib.POFile | None, config: Config, *, pseudo: bool
) -> Verdict:
    """Apply the locale's policy to one catalog: what to publish of it, or why not."""
    policy = config.for_locale(locale)
    threshold = policy.min_translated
    if po is None:
        return Verdict(Decision(slug, locale, False, 0.0, "no catalog yet: run translate"), None)
    machine = policy.publish_machine_translation or pseudo
    translations = catalog.publishable(po, machine=machine, pseudo=pseudo)
    percent = catalog.percent_of(po, translations)
    if not translations:
        why = "nothing publishable: machine output awaits review"
        if not machine:
            why += f" (or set publish_machine_translation for {locale})"
        return Verdict(Decision(slug, locale, False, percent, why), None)
    if percent < threshold:
        why = f"{percent:.0f}% translated, below {threshold}%"
        return Verdict(Decision(slug, locale, False, percent, why), None)
    uses_pseudo = any(is_pseudo(text) for text in translations.values())
    if uses_pseudo:
        label = "pseudo preview"
    else:
        # say how much of it is unreviewed machine output
        machine_out = sum(1 for e in po if e.fuzzy and not e.obsolete and e.msgid in translations)
        label = (
            f"{percent:.0f}% translated ({len(translations) - machine_out} reviewed, "
            f"{machine_out} machine)"
        )
    return Verdict(Decision(slug, locale, True, percent, label), translations, uses_pseudo)


def decide(
    doc: Document,
    locale: str,
    po: polib.POFile | None,
    config: Config,
    *,
    pseudo: bool,
) -> tuple[Edition | None, Decision]:
    """`judge` for a parsed post: an Edition to render, or why not."""
    verdict = judge(doc.slug, locale, po, config, pseudo=pseudo)
    if verdict.translations is None:
        return None, verdict.decision
    return Edition(doc, locale, verdict.translations, pseudo=verdict.pseudo), verdict.decision


def plan(
    chosen: Sequence[Post],
    targets: Mapping[str, Sequence[str]],
    judged: Callable[[str, str], tuple[Decision, bool]],
) -> tuple[list[PageRef], list[Decision]]:
    """Source pages always; each translation where its policy allows.

    `judged(slug, locale)` gives a catalog's decision and whether its page is a
    pseudo preview; `targets` the locales of each post.
    """
    refs: list[PageRef] = []
    decisions: list[Decision] = []
    for post in chosen:
        refs.append(PageRef(post.slug, post.lang, post.lang, post.where, date=post.date))
        for locale in targets[post.slug]:
            decision, shows_pseudo = judged(post.slug, locale)
            decisions.append(decision)
            if decision.published:
                refs.append(
                    PageRef(post.slug, locale, post.lang, post.where, shows_pseudo, post.date)
                )
    return refs, decisions
