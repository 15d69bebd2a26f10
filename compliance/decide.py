"""Decide: policy rules (data) map each source's terms and the publisher's agreements to a verdict.

Source-scope policies are tried in order and the first that matches decides
that source; document-scope policies all apply. The document's verdict is the
strictest of them. A source no policy decides is sent to review: the checker
fails closed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from .license import license_url
from .link import notice_terms, registry_terms
from .models import (VERDICT_RANK, Agreement, Duty, Finding, Notice, Reason, Role, Segment, Source, SourceRef,
                     Terms, Verdict)
from .ruleset import RuleSet
from .ruleset.kinds.policy import Rule as Policy
from .ruleset.kinds.policy import When

REQUIRED_USE = frozenset({"reproduce", "distribute"})
# Which notice to quote as the evidence for a source: the one that says the most about permission.
EVIDENCE_ORDER = ["contract_required", "no_redistribution", "all_rights_reserved", "cc_license",
                  "public_domain", "attribution_required", "permission_granted"]


@dataclass
class Decision:
    verdict: Verdict = "allow"
    reasons: list[Reason] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # each source's own verdict

    def add(self, verdict: Verdict, reason: Reason, duties: Iterable[Duty] = ()) -> None:
        if VERDICT_RANK[verdict] > VERDICT_RANK[self.verdict]:
            self.verdict = verdict
        self.reasons.append(reason)
        for d in duties:
            if d not in self.duties:
                self.duties.append(d)


@dataclass
class Statement:
    """What is known about one source's copy in this document."""

    source: Source
    role: Role
    terms: Terms
    notices: list[Notice]
    agreement_status: str
    agreement: Agreement | None
    evidence: Finding | Notice | None


@dataclass(frozen=True)
class Context:
    rules: RuleSet
    agreements: tuple[Agreement, ...] = ()
    as_of: date = field(default_factory=date.today)
    warn_days: int = 30


def decide(ctx: Context, sources: list[SourceRef], notices: list[Notice], findings: list[Finding],
           origins: list[Finding], segments: list[Segment] = ()) -> Decision:
    decision = Decision()
    for ref in sources:
        st = _statement(ctx, ref, notices, origins)
        decision.verdicts[ref.id] = _decide_source(ctx, st, decision)
        _warn_expiring(ctx, st, decision)
    _decide_document(ctx, sources, notices, findings, origins, decision)
    _warn_trailing(segments, notices, decision)
    if not decision.reasons:
        decision.add("review", Reason(rule="no-decision", message="no policy rule decided this document"))
    return decision


# -- per source ------------------------------------------------------------
def _statement(ctx: Context, ref: SourceRef, notices: list[Notice], origins: list[Finding]) -> Statement:
    rs = ctx.rules
    sid = ref.id
    src = rs.source(sid)
    mine = [n for n in notices if n.source == sid]
    terms = Terms()
    for n in mine:
        terms = terms.merge(notice_terms(rs, n))
    if not mine:
        terms = registry_terms(rs, sid)
    status, agreement = agreement_status(ctx.agreements, sid, ctx.as_of)
    strongest = sorted(mine, key=lambda n: EVIDENCE_ORDER.index(n.type))
    evidence = strongest[0] if mine else next((f for f in origins if f.source == sid), None)
    return Statement(src, ref.role, terms, mine, status, agreement, evidence)


def agreement_status(agreements: Iterable[Agreement], sid: str, as_of: date) -> tuple[str, Agreement | None]:
    mine = [a for a in agreements if a.source == sid]
    if not mine:
        return "none", None
    current = [a for a in mine if (a.starts is None or a.starts <= as_of) and (a.expires is None or as_of <= a.expires)]
    covering = [a for a in current if a.permits is None or REQUIRED_USE <= a.permits]
    if covering:
        return "valid", covering[0]
    if current:
        return "insufficient", current[0]
    upcoming = [a for a in mine if a.starts is not None and a.starts > as_of]
    if upcoming:
        return "not_started", upcoming[0]
    return "expired", max(mine, key=lambda a: a.expires or date.min)


def _decide_source(ctx: Context, st: Statement, decision: Decision) -> Verdict:
    for policy in ctx.rules.policies:
        if policy.scope == "source" and _source_matches(policy.when, st):
            duties = _duties(policy, st) if policy.verdict == "allow" else []
            decision.add(policy.verdict, _reason(policy, st), duties)
            return policy.verdict
    decision.add("review", Reason(rule="no-decision", source=st.source.id,
                                  message=f"no policy rule decided {st.source.name}; review by hand"))
    return "review"


def _source_matches(w: When, st: Statement) -> bool:
    t = st.terms
    return (w.agreement in ("any", st.agreement_status)
            and (w.notice == "any" or (w.notice == "present") == bool(st.notices))
            and (w.terms_known is None or w.terms_known == t.known)
            and (w.license is None or w.license == (t.license is not None))
            and (w.public_domain is None or w.public_domain == t.public_domain)
            and (not w.requires_any or bool(t.requires & set(w.requires_any)))
            and (w.requires_none is None or w.requires_none == (not t.requires))
            and (not w.prohibits_any or bool(t.prohibits & set(w.prohibits_any)))
            and not (t.prohibits & set(w.prohibits_none))
            and set(w.permits_all) <= t.permits
            and (not w.source_type or st.source.type in w.source_type)
            and (not w.role or st.role in w.role)
            and w.sources == "any"
            and w.notices == "any"
            and not w.has_findings
            and not w.unlinked_notice
            and w.uncertain is None)


def _reason(policy: Policy, st: Statement) -> Reason:
    src, ag, ev = st.source, st.agreement, st.evidence
    fields = defaultdict(str, source=src.id, name=src.name, credit=_credit(st), contact=src.contact or src.url or src.name,
                         license=st.terms.license or "", url=src.url or "",
                         agreement=ag.kind.replace("_", " ") if ag else "",
                         expires=str(ag.expires) if ag and ag.expires else "",
                         starts=str(ag.starts) if ag and ag.starts else "",
                         quote=ev.text if ev else "", tag=ev.text if isinstance(ev, Finding) else "",
                         holder=(ev.holder or "") if isinstance(ev, Notice) else "")
    return Reason(rule=policy.id, message=policy.message.format_map(fields), source=src.id,
                  line=ev.line if ev else None, column=ev.column if ev else None, quote=ev.text if ev else None)


def _credit(st: Statement) -> str:
    if st.agreement and st.agreement.credit:
        return st.agreement.credit
    return st.source.credit or (st.source.tags[0] if st.source.tags else st.source.name)


def _duties(policy: Policy, st: Statement) -> list[Duty]:
    out = []
    for kind in sorted(set(policy.duties) | st.terms.duties):
        text = {
            "attribute": _credit(st),
            "link_license": f"{st.terms.license} {license_url(st.terms.license) or ''}".strip() if st.terms.license else "",
            "link_source": st.source.url or st.source.name,
            "keep_notice": st.notices[0].text if st.notices else "",
            "share_alike": f"share adaptations under {st.terms.license}" if st.terms.license else "",
        }[kind]
        if text:
            out.append(Duty(type=kind, text=text, source=st.source.id))
    return out


def _warn_expiring(ctx: Context, st: Statement, decision: Decision) -> None:
    ag = st.agreement
    if st.agreement_status == "valid" and ag and ag.expires is not None:
        left = (ag.expires - ctx.as_of).days
        if left <= ctx.warn_days:
            decision.warnings.append(Reason(
                rule="agreement-expiring", source=st.source.id,
                message=f"your {ag.kind.replace('_', ' ')} with {st.source.name} expires on {ag.expires} "
                        f"({left} days); renew it before publishing after that date"))


# -- per document ----------------------------------------------------------
def _decide_document(ctx: Context, sources: list[SourceRef], notices: list[Notice],
                     findings: list[Finding], origins: list[Finding], decision: Decision) -> None:
    kinds = {f.kind for f in findings}
    uncertain = [f for f in origins if f.confidence < 1]
    for policy in ctx.rules.policies:
        w = policy.when
        if not (policy.scope == "document" and kinds.issuperset(w.has_findings)
                and (w.sources == "any" or (w.sources == "some") == bool(sources))
                and (w.notices == "any" or (w.notices == "some") == bool(notices))
                and (w.uncertain is None or w.uncertain == bool(uncertain))):
            continue
        unlinked = [n for n in notices if n.source is None and n.type in w.unlinked_notice]
        if w.unlinked_notice and not unlinked:
            continue
        ev = unlinked[0] if unlinked else next((f for f in findings if f.kind in w.has_findings),
                                               uncertain[0] if w.uncertain and uncertain else None)
        fields = defaultdict(str, quote=ev.text if ev else "", tag=ev.text if isinstance(ev, Finding) else "",
                             name=ctx.rules.sources[ev.source].name if isinstance(ev, Finding) and ev.source else "",
                             holder=(ev.holder or "an unnamed holder") if isinstance(ev, Notice) else "",
                             license=(ev.license or "") if isinstance(ev, Notice) else "",
                             count=str(len(unlinked) or sum(f.kind in w.has_findings for f in findings)))
        duties = [] if policy.verdict != "allow" else [
            Duty(type=d, text=_notice_duty(d, ev)) for d in policy.duties if isinstance(ev, Notice)]
        decision.add(policy.verdict, Reason(rule=policy.id, message=policy.message.format_map(fields),
                                            line=ev.line if ev else None, column=ev.column if ev else None,
                                            quote=ev.text if ev else None), duties)


def _warn_trailing(segments: list[Segment], notices: list[Notice], decision: Decision) -> None:
    """Content after the last notice is not this article: teasers of other pages the scraper caught."""
    trailing = [s for s in segments if s.kind == "trailing"]
    if not trailing:
        return
    last = max(notices, key=lambda n: n.line, default=None)
    under = "" if last is None else f", under the page's notice by {last.holder}" if last.holder else \
        f", under the page's notice (\"{_clip(last.text)}\")"
    lines = f"{trailing[0].start_line}-{trailing[-1].end_line}"
    decision.warnings.append(Reason(
        rule="trailing-content", line=trailing[0].start_line, column=1,
        message=f"lines {lines} follow the rights notice and are not part of this article "
                f"({len(trailing)} paragraph(s), likely teasers of other articles caught with the page){under}; "
                f"remove them before republishing"))


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"


def _notice_duty(kind: str, notice: Notice) -> str:
    if kind == "link_license" and notice.license:
        return f"{notice.license} {license_url(notice.license) or ''}".strip()
    if kind == "attribute":
        return notice.holder or "the author and publisher named with the article"
    return notice.text
