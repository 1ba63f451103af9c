"""Model-backed proposals: one pass per layer, a cross-layer pass and (hybrid) the safety net.

Calls per analysis are bounded: one proposal call per layer present in the system, one
cross-layer call, one safety-net call in hybrid mode, plus the gateway's bounded repairs. Every
proposal goes through the validator inside the repair loop (so the model is told exactly what
was wrong) and again through the gate; whatever is rejected is kept with its reasons.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.engine.analyze import GuidanceSource, Progress
from assistant.engine.gate import gate
from assistant.engine.grounding import locate_quotes
from assistant.engine.hybrid import key_of, sort_verdicts, unconfirmed
from assistant.engine.prompt_view import RUBRIC, system_json
from assistant.engine.rejections import MAX_ITEMS, MAX_STORED, bounded, digest, excerpt, identity
from assistant.engine.rules import PROPOSED_FAMILIES, propose
from assistant.engine.stops import stop_reason
from assistant.errors import BudgetExceededError, OutputValidationError, ProviderError
from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import (
    ChainEntry,
    LayerEntry,
    MitigationEntry,
    ThreatEntry,
    ThreatFamily,
)
from assistant.knowledge.preconditions import RuledOut, check
from assistant.llm.base import ChatModel, Usage
from assistant.llm.prompts import RenderedPrompt, load_prompt
from assistant.llm.structured import extract_json
from assistant.schema import (
    LAYER_NAMES,
    Engine,
    Finding,
    FindingStatus,
    Issue,
    Layer,
    LayerProposals,
    Outcome,
    ProposedFinding,
    Provenance,
    RejectedProposal,
    SafetyNetReply,
    Severity,
    SystemModel,
)
from assistant.schema import RuledOut as RuledOutThreat
from assistant.validator import check_proposal

R = TypeVar("R", bound=BaseModel)

MAX_CANDIDATES = 30  # per layer prompt: core and MAS threats first, within a token budget
SUMMARY_CHARS = 160
# The OWASP families. The CSA per-layer names and the playbook's blindspots restate these under
# other names; offering both would spend tokens and invite duplicates.
CANDIDATE_FAMILIES = {
    ThreatFamily.CORE,
    ThreatFamily.MAS_EXTENDED,
    ThreatFamily.MAS_SCENARIO,
    ThreatFamily.CROSS_LAYER,
}


@dataclass
class LLMProposer:
    """Proposes findings with a model: per layer, across layers, and (hybrid) the safety net.

    Attributes:
        chat_model: The gateway model.
        hybrid: Hand the rules engine's unaddressed candidates back to the model.
        retriever: Guidance search; without it the model gets the catalogue slice only.
        usage: Tokens and cost of every call so far.
        cancel: Set to stop the run; every model call gets it.
        failed: A final failure of the model already seen (the extraction's): not called again.
        stopped: The budget or provider error that ended the last run early (work is kept).
        unreached: The passes (L1.., CL, safety net) the last run did not reach.
    """

    chat_model: ChatModel
    hybrid: bool = True
    retriever: GuidanceSource | None = None
    usage: Usage = field(default_factory=Usage)
    cancel: threading.Event | None = None

    failed: ProviderError | None = None
    stopped: BudgetExceededError | ProviderError | None = None
    unreached: list[str] = field(default_factory=list)

    def run(
        self, system: SystemModel, catalogue: Catalogue, progress: Progress
    ) -> tuple[list[Finding], list[RejectedProposal]]:
        """Propose, validate and return accepted findings and rejected proposals.

        When a token or cost budget stops the model, or the model fails after its retries and
        fallbacks (an outage, a timeout), what was validated so far is returned, the hybrid
        engine keeps the rules candidates the model had not addressed (noted), and `stopped`
        and `unreached` say what happened.
        """
        run = _Run(self, system, catalogue, progress)
        layers = sorted(system.layers_present(), key=list(Layer).index)
        passes: list[tuple[str, Callable[[], None]]] = [
            *((layer.value, partial(run.layer_pass, layer)) for layer in layers),
            ("CL", run.cross_layer_pass),
        ]
        if self.hybrid:
            passes.append(("safety net", run.safety_net))
        self.stopped, self.unreached = None, []
        for n, (name, step) in enumerate(passes):
            try:
                if self.failed is not None:
                    raise self.failed  # retries and fallbacks were spent on it already
                step()
            except (BudgetExceededError, ProviderError) as exc:
                self.stopped, self.unreached = exc, [p for p, _ in passes[n:]]
                why = stop_reason(exc)
                progress(f"{why} at {name}: keeping what was validated so far")
                if self.hybrid:
                    run.keep_unaddressed(f"{why} before it reviewed it")
                break
        if run.dropped:
            progress(f"{run.dropped} more rejected proposals counted, not stored")
        return run.findings, run.rejected


@dataclass
class _Run:
    """One analysis in progress: what was retrieved, accepted and rejected so far."""

    proposer: LLMProposer
    system: SystemModel
    catalogue: Catalogue
    progress: Progress
    retrieved: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    rejected: list[RejectedProposal] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    dropped: int = 0

    @property
    def engine(self) -> Engine:
        return Engine.HYBRID if self.proposer.hybrid else Engine.LLM

    def candidates(self, layer: Layer) -> list[ThreatEntry]:
        """Threats allowed at `layer` whose preconditions the system does not rule out."""
        ordered = sorted(
            (
                t
                for t in self.catalogue.of_type(ThreatEntry)
                if layer in t.layers and t.family in CANDIDATE_FAMILIES
            ),
            key=lambda t: (t.family not in PROPOSED_FAMILIES, t.family.value),
        )
        return [
            t for t in ordered if not isinstance(check(t, self.system, self.catalogue), RuledOut)
        ][:MAX_CANDIDATES]

    def mitigation_list(self, threats: Sequence[ThreatEntry]) -> str:
        ids = list(dict.fromkeys(m for t in threats for m in t.mitigations[:4]))
        entries = [
            self.catalogue.entries[i]
            for i in ids
            if isinstance(self.catalogue.entries.get(i), MitigationEntry)
        ]
        return "\n".join(f"- {m.id}: {m.name}" for m in entries) or "(none)"

    def guidance(self, layer: Layer) -> str:
        retriever = self.proposer.retriever
        if retriever is None:
            return "(no passages retrieved in this run: leave evidence empty)"
        names = ", ".join(
            f"{c.name} ({c.kind})" for c in self.system.components if layer in c.layers
        )
        query = f"{LAYER_NAMES[layer]} threats for {names or 'an agentic system'}"
        try:
            passages = retriever.search(
                query, layers=[layer], kinds=["threat", "mitigation", "chain"], k=8
            )
        except Exception as exc:  # retrieval is an aid: the analysis goes on without it
            self.progress(f"warning: guidance search failed ({exc}); continuing without it")
            return "(no passages retrieved: leave evidence empty)"
        self.retrieved.update(p.id for p in passages)
        return "\n".join(f"- {p.id}: {p.text}" for p in passages)

    def layer_pass(self, layer: Layer) -> None:
        self.progress(f"{layer.value}: asking the model")
        entry = self.catalogue.entries.get(layer.value)
        candidates = self.candidates(layer)
        prompt = load_prompt("propose_layer").render(
            layer=layer.value,
            layer_name=LAYER_NAMES[layer],
            layer_covers=entry.covers if isinstance(entry, LayerEntry) else "",
            system_model=system_json(self.system),
            candidates="\n".join(
                f"- {t.id}: {t.name}: {t.summary[:SUMMARY_CHARS]}" for t in candidates
            ),
            guidance=self.guidance(layer),
            mitigations=self.mitigation_list(candidates),
            rubric=RUBRIC,
        )
        reply = self.ask(prompt, LayerProposals, f"{layer.value}-")
        self.admit(reply.findings if reply else [], prompt, f"{layer.value}-")

    def cross_layer_pass(self) -> None:
        if len(self.system.layers_present()) < 2:
            return
        self.progress("CL: asking the model for cross-layer chains")
        chains = self.catalogue.of_type(ChainEntry)
        candidates = self.candidates(Layer.CL)
        prompt = load_prompt("propose_cross_layer").render(
            system_model=system_json(self.system),
            findings="\n".join(
                f"- {f.id}: {f.threat_id} @ {f.layer.value}: {f.title}" for f in self.findings
            )
            or "(none)",
            patterns="\n".join(
                f"- {c.id}: {'+'.join(x.value for x in c.chain_layers)}: {c.summary[:200]}"
                for c in chains
            ),
            candidates="\n".join(f"- {t.id}: {t.name}" for t in candidates),
            mitigations=self.mitigation_list(candidates),
            rubric=RUBRIC,
        )
        reply = self.ask(prompt, LayerProposals, "CL-")
        self.admit(reply.findings if reply else [], prompt, "CL-")

    def safety_net(self) -> None:
        # Only accepted findings address a rules candidate: a rejected proposal proves nothing.
        addressed = {(f.threat_id, f.layer.value) for f in self.findings}
        open_ = [p for p in propose(self.system, self.catalogue) if key_of(p) not in addressed]
        # A needs-info proposal waits on a question only the user can answer: it is not put to
        # the model (whose prompt says every candidate's preconditions hold) and stands as is.
        waiting = [p for p in open_ if p.get("status") == FindingStatus.NEEDS_INFO.value]
        if waiting:
            self.keep_rules(waiting)
        open_ = [p for p in open_ if p not in waiting]
        if not open_:
            return
        self.progress(f"safety net: {len(open_)} rules-engine candidates the model did not address")
        threats = [t for p in open_ if (t := self.catalogue.threat(p["threat_id"])) is not None]
        prompt = load_prompt("safety_net").render(
            system_model=system_json(self.system),
            candidates="\n".join(
                f"- {p['threat_id']} @ {p['layer']}: {t.name}: {t.summary[:SUMMARY_CHARS]}"
                for p, t in zip(open_, threats, strict=True)
            ),
            mitigations=self.mitigation_list(threats),
            rubric=RUBRIC,
        )
        reply = self.ask(prompt, SafetyNetReply, "SN-")
        self.admit(reply.findings if reply else [], prompt, "SN-")
        self.settle(open_, reply.ruled_out if reply else [])

    def settle(self, open_: Sequence[dict[str, Any]], ruled_out: Sequence[RuledOutThreat]) -> None:
        """Apply the hybrid contract to the rules candidates the model was shown.

        A candidate leaves only by a ruling the validator accepts; the others stay, noted.
        """
        accepted = [(f.threat_id, f.layer.value) for f in self.findings]
        verdicts = sort_verdicts(open_, accepted, ruled_out, self.system, self.catalogue)
        self.rejected += verdicts.refuted
        for proposal, note in verdicts.unconfirmed:
            self.keep_rules([proposal], note)

    def keep_unaddressed(self, why: str) -> None:
        """Keep every rules candidate no accepted finding addresses, noted with `why`."""
        addressed = {(f.threat_id, f.layer.value) for f in self.findings}
        open_ = [p for p in propose(self.system, self.catalogue) if key_of(p) not in addressed]
        note = unconfirmed(why)
        for proposal in open_:
            needs_info = proposal.get("status") == FindingStatus.NEEDS_INFO.value
            self.keep_rules([proposal], None if needs_info else note)

    def keep_rules(self, proposals: list[dict[str, Any]], note: Issue | None = None) -> None:
        """Gate rules-engine proposals as they are (no model involved), with `note` if given."""
        found, refused = gate(
            proposals,
            self.system,
            self.catalogue,
            accepted=self.findings,
            provenance=Provenance(engine=Engine.RULES),
        )
        if note is not None:
            found = [
                f.model_copy(update={"validator_notes": [*f.validator_notes, note]}) for f in found
            ]
        self.findings += found
        self.rejected += refused

    def ask(self, prompt: RenderedPrompt, shape: type[R], prefix: str) -> R | None:
        """One structured call with the validator inside the repair loop."""
        provenance = self.provenance(prompt)

        def check(reply: BaseModel) -> list[str]:
            problems = []
            for n, proposed in enumerate(getattr(reply, "findings", []), start=1):
                raw = self.raw(proposed, f"{prefix}{n}", provenance)
                _, verdict = check_proposal(raw, self.system, self.catalogue, self.retrieved)
                if verdict.outcome == Outcome.REJECTED:
                    errors = [i for i in verdict.issues if i.severity == Severity.ERROR]
                    self.keep_rejected(raw, verdict.issues, provenance)
                    problems.append(
                        f"finding {n} ({proposed.threat_id} at {proposed.layer.value}): "
                        + "; ".join(f"{i.code}: {i.message}" for i in errors)
                    )
            return problems

        try:
            reply, usage = self.proposer.chat_model.complete(
                prompt.messages, shape, check=check, cancel=self.proposer.cancel
            )
        except OutputValidationError as exc:
            self.proposer.usage += exc.usage if isinstance(exc.usage, Usage) else Usage()
            self.progress(
                f"warning: {prompt.prompt_id}: no fully valid reply after repairs; keeping what validates"
            )
            return self.salvage(exc, shape, provenance)
        self.proposer.usage += usage
        return reply

    def salvage(
        self, exc: OutputValidationError, shape: type[R], provenance: Provenance
    ) -> R | None:
        try:
            return shape.model_validate(extract_json(exc.last_output))
        except (ValueError, ValidationError):
            issue = Issue(
                code="schema-error",
                severity=Severity.ERROR,
                message="; ".join(exc.errors)[:1000] or exc.message,
            )
            reply = {"reply": exc.last_output, "reply_sha256": digest(exc.last_output)}
            self.keep_rejected(reply, [issue], provenance)
            return None

    def admit(
        self, proposals: Sequence[ProposedFinding], prompt: RenderedPrompt, prefix: str
    ) -> None:
        provenance = self.provenance(prompt)
        raws = [self.raw(p, f"{prefix}{n}", provenance) for n, p in enumerate(proposals, start=1)]
        found, refused = gate(
            raws,
            self.system,
            self.catalogue,
            accepted=self.findings,
            retrieved=self.retrieved,
            provenance=provenance,
        )
        self.findings += found
        for item in refused:
            self.keep_rejected(item.proposal, item.issues, provenance)
        self.progress(f"{prefix.rstrip('-')}: {len(found)} accepted, {len(refused)} rejected")

    def keep_rejected(
        self, raw: dict[str, Any], issues: list[Issue], provenance: Provenance
    ) -> None:
        """Keep a rejection once, bounded (see `assistant.engine.rejections`)."""
        ident = identity(raw)
        if ident in self.seen:
            return
        self.seen.add(ident)
        if len(self.rejected) >= MAX_STORED:
            self.dropped += 1
            return
        issues = [i.model_copy(update={"message": excerpt(i.message)}) for i in issues[:MAX_ITEMS]]
        self.rejected.append(
            RejectedProposal(proposal=bounded(raw), issues=issues, provenance=provenance)
        )

    def raw(self, proposed: ProposedFinding, ident: str, provenance: Provenance) -> dict[str, Any]:
        data = proposed.model_dump(mode="json", exclude={"quotes"})
        # The model's quotes become the finding's grounding; the validator checks each one.
        grounding = locate_quotes(proposed.quotes, self.system.description)
        data.update(
            id=ident,
            provenance=provenance.model_dump(mode="json"),
            grounding=[e.model_dump(mode="json") for e in grounding],
        )
        return data

    def provenance(self, prompt: RenderedPrompt) -> Provenance:
        return Provenance(
            engine=self.engine,
            model=self.proposer.chat_model.model,
            prompt_id=prompt.prompt_id,
            prompt_version=prompt.prompt_version,
        )
