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

from .license import license_terms, license_url
from .models import VERDICT_RANK, Agreement, Duty, Finding, Notice, Reason, Source, SourceRef, Terms, Verdict
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
           origins: list[Finding]) -> Decision:
    decision = Decision()
    for ref in sources:
        st = _statement(ctx, ref.id, notices, origins)
        _decide_source(ctx, st, decision)
        _warn_expiring(ctx, st, decision)
    _decide_document(ctx, sources, notices, findings, decision)
    if not decision.reasons:
        decision.add("review", Reason(rule="no-decision", message="no policy rule decided this document"))
    return decision


# -- per source ------------------------------------------------------------
def _statement(ctx: Context, sid: str, notices: list[Notice], origins: list[Finding]) -> Statement:
    rs = ctx.rules
    src = rs.source(sid)
    mine = [n for n in notices if n.source == sid]
    terms = Terms()
    for n in mine:
        terms = terms.merge(notice_terms(rs, n))
    if not mine:
        terms = rs.terms[src.terms]
        if src.license:
            terms = terms.merge(license_terms(src.license))
    status, agreement = agreement_status(ctx.agreements, sid, ctx.as_of)
    strongest = sorted(mine, key=lambda n: EVIDENCE_ORDER.index(n.type))
    evidence = strongest[0] if mine else next((f for f in origins if f.source == sid), None)
    return Statement(src, terms, mine, status, agreement, evidence)


def notice_terms(rs: RuleSet, notice: Notice) -> Terms:
    # A notice read from metadata has no phrase rule: its licence alone says what it permits.
    terms = next((cn.terms for cn in rs.notices if cn.rule.id == notice.rule), Terms())
    return terms.merge(license_terms(notice.license)) if notice.license else terms


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


def _decide_source(ctx: Context, st: Statement, decision: Decision) -> None:
    for policy in ctx.rules.policies:
        if policy.scope == "source" and _source_matches(policy.when, st):
            duties = _duties(policy, st) if policy.verdict == "allow" else []
            decision.add(policy.verdict, _reason(policy, st), duties)
            return
    decision.add("review", Reason(rule="no-decision", source=st.source.id,
                                  message=f"no policy rule decided {st.source.name}; review by hand"))


def _source_matches(w: When, st: Statement) -> bool:
    t = st.terms
    return all((
        w.agreement in ("any", st.agreement_status),
        w.notice == "any" or (w.notice == "present") == bool(st.notices),
        w.terms_known is None or w.terms_known == t.known,
        w.license is None or w.license == (t.license is not None),
        w.public_domain is None or w.public_domain == t.public_domain,
        not w.requires_any or bool(t.requires & set(w.requires_any)),
        w.requires_none is None or w.requires_none == (not t.requires),
        not w.prohibits_any or bool(t.prohibits & set(w.prohibits_any)),
        not (t.prohibits & set(w.prohibits_none)),
        set(w.permits_all) <= t.permits,
        not w.source_type or st.source.type in w.source_type,
        w.sources == "any", w.notices == "any", not w.has_findings, not w.unlinked_notice,
    ))


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
                     findings: list[Finding], decision: Decision) -> None:
    kinds = {f.kind for f in findings}
    for policy in ctx.rules.policies:
        if policy.scope != "document":
            continue
        w = policy.when
        unlinked = [n for n in notices if n.source is None and n.type in w.unlinked_notice]
        if not all((
            w.sources == "any" or (w.sources == "some") == bool(sources),
            w.notices == "any" or (w.notices == "some") == bool(notices),
            all(k in kinds for k in w.has_findings),
            not w.unlinked_notice or unlinked,
        )):
            continue
        ev = unlinked[0] if unlinked else next((f for f in findings if f.kind in w.has_findings), None)
        fields = defaultdict(str, quote=ev.text if ev else "", tag=ev.text if isinstance(ev, Finding) else "",
                             holder=(ev.holder or "an unnamed holder") if isinstance(ev, Notice) else "",
                             license=(ev.license or "") if isinstance(ev, Notice) else "",
                             count=str(len(unlinked) or sum(f.kind in w.has_findings for f in findings)))
        duties = [] if policy.verdict != "allow" else [
            Duty(type=d, text=_notice_duty(d, ev)) for d in policy.duties if isinstance(ev, Notice)]
        decision.add(policy.verdict, Reason(rule=policy.id, message=policy.message.format_map(fields),
                                            line=ev.line if ev else None, column=ev.column if ev else None,
                                            quote=ev.text if ev else None), duties)


def _notice_duty(kind: str, notice: Notice) -> str:
    if kind == "link_license" and notice.license:
        return f"{notice.license} {license_url(notice.license) or ''}".strip()
    if kind == "attribute":
        return notice.holder or "the author and publisher named with the article"
    return notice.text
