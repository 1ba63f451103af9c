"""`maestro-tm index`, `maestro-tm search` and `maestro-tm eval retrieval`.

`eval_retrieval` is a subcommand of the `eval` group defined in `assistant/commands/evals.py`.

chromadb and the embedding model load inside the command bodies, so listing these commands in
`--help` costs nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.commands.common import LAYER_CHOICES as LAYERS

if TYPE_CHECKING:
    from assistant.retrieval.index import GuidanceIndex
    from assistant.retrieval.passages import Passage
    from assistant.retrieval.search import Retriever

# Mirrors passages.RETRIEVABLE_KINDS (a test keeps them equal) without importing pydantic for --help.
KINDS = ["threat", "mitigation", "layer", "chain", "factor", "question", "decision-step"]


def _say(message: str) -> None:
    click.echo(f"maestro-tm: {message}", err=True)


def _warn(message: str) -> None:
    click.echo(f"maestro-tm: warning: {message}", err=True)


def _store_options(func: Any) -> Any:
    func = click.option(
        "--embedder",
        metavar="SPEC",
        help="'minilm' (offline default) or 'litellm:<model>', e.g. litellm:ollama/nomic-embed-text "
        "[env MAESTRO_TM_EMBEDDER].",
    )(func)
    return click.option(
        "--chroma-url",
        metavar="URL",
        help="Use a Chroma server instead of the local index [env MAESTRO_TM_CHROMA_URL].",
    )(func)


class _Progress:
    """A progress bar on stderr while a build embeds passages (drawn only on a terminal)."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(
                length=total,
                label="maestro-tm: embedding passages",
                file=sys.stderr,
            )
            self._bar.__enter__()
        self._bar.update(done - self._done)
        self._done = done
        if done >= total:
            self._bar.__exit__(None, None, None)
            self._bar, self._done = None, 0


def _index(chroma_url: str | None, embedder: str | None) -> GuidanceIndex:
    from assistant.knowledge import default_catalogue
    from assistant.retrieval.embedders import make_embedder
    from assistant.retrieval.index import GuidanceIndex
    from assistant.retrieval.store import chroma_url as resolve_url

    return GuidanceIndex(
        default_catalogue(),
        make_embedder(embedder),
        url=resolve_url(chroma_url),
        notify=_say,
        progress=_Progress(),
    )


def _retriever(chroma_url: str | None, embedder: str | None, hybrid: bool = True) -> Retriever:
    from assistant.retrieval.search import Retriever

    return Retriever(_index(chroma_url, embedder), hybrid=hybrid, warn=_warn)


@click.group("index")
def index_group() -> None:
    """Build or inspect the guidance index that search and the assistant retrieve from."""


@index_group.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if the index is up to date.")
@_store_options
def index_build(force: bool, chroma_url: str | None, embedder: str | None) -> None:
    """Build the index now (it is otherwise built on first use)."""
    index = _index(chroma_url, embedder)
    index.open(force=force)
    status = index.status()
    click.echo(f"index up to date: {status.passages} passages at {status.location}")


@index_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_store_options
def index_status(as_json: bool, chroma_url: str | None, embedder: str | None) -> None:
    """Say where the index is, what it holds and whether it is up to date (changes nothing)."""
    status = _index(chroma_url, embedder).status()
    if as_json:
        data = {
            "location": status.location,
            "up_to_date": status.up_to_date,
            "state": status.state,
            "embedder": status.embedder_id,
            "catalogue_version": status.catalogue_version,
            "passages": status.passages,
            "built": status.built.model_dump(mode="json") if status.built else None,
        }
        click.echo(json.dumps(data, indent=2))
        return
    built = status.built
    click.echo(f"location:  {status.location}")
    click.echo(f"embedder:  {status.embedder_id}")
    click.echo(f"catalogue: {status.catalogue_version} ({status.passages} passages)")
    if built is not None:
        click.echo(
            f"stored:    {built.passages} passages, catalogue {built.catalogue_version}, "
            f"embedder {built.embedder_id}"
        )
    click.echo(f"state:     {status.state}" + ("" if status.up_to_date else " (next use rebuilds)"))


def _read_queries(path: Path) -> list[str]:
    from assistant.errors import QueryError

    try:
        with click.open_file(str(path), encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read queries from {path}: {exc}") from None
    queries = [line.strip() for line in text.splitlines() if line.strip()]
    if not queries:
        raise QueryError(f"{path} holds no queries (one per line)")
    return queries


def _result_json(p: Passage) -> dict[str, Any]:
    return {
        "entry_id": p.entry_id,
        "score": p.score,
        "kind": p.kind,
        "layers": [layer.value for layer in p.layers],
        "text": p.text,
        "also": list(p.also),
    }


def _print_results(results: list[Passage], width: int = 100) -> None:
    if not results:
        click.echo("  (no matching guidance)")
    for rank, p in enumerate(results, 1):
        layers = ",".join(layer.value for layer in p.layers) or "-"
        click.echo(f"{rank:>2}. {p.score:.3f}  {p.entry_id}  [{p.kind}; {layers}]")
        text = p.text if len(p.text) <= width else p.text[: width - 1].rstrip() + "…"
        click.echo(f"    {text}")
        if p.also:
            click.echo(f"    also: {', '.join(p.also)}")


@click.command("search")
@click.argument("query", required=False)
@click.option(
    "-k",
    "k",
    type=click.IntRange(min=1, max=100),
    default=5,
    show_default=True,
    help="Results per query.",
)
@click.option(
    "--layer",
    "layers",
    multiple=True,
    type=click.Choice(LAYERS, case_sensitive=False),
    help="Only entries allowed at this layer (repeatable).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(KINDS),
    help="Only entries of this kind (repeatable).",
)
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Read queries from FILE, one per line ('-' for stdin).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per query.")
@_store_options
def search_command(
    query: str | None,
    k: int,
    layers: tuple[str, ...],
    kinds: tuple[str, ...],
    file: Path | None,
    as_json: bool,
    chroma_url: str | None,
    embedder: str | None,
) -> None:
    """Search the MAESTRO guidance for QUERY (or for each line of --file)."""
    if (query is None) == (file is None):
        raise click.UsageError("give either a QUERY or --file FILE")
    queries = [query] if query is not None else _read_queries(file)  # type: ignore[arg-type]
    retriever = _retriever(chroma_url, embedder)
    answers = list(zip(queries, retriever.search_many(queries, layers, kinds, k), strict=True))
    if as_json:
        data = [{"query": q, "results": [_result_json(p) for p in found]} for q, found in answers]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for i, (q, found) in enumerate(answers):
        if len(answers) > 1:
            click.echo(("\n" if i else "") + f"query: {q}")
        _print_results(found)


@click.command("retrieval")
@click.option(
    "--queries",
    "queries_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Score this query set file instead of the named sets.",
)
@click.option(
    "--set",
    "sets",
    type=click.Choice(["queries", "heldout"]),
    multiple=True,
    help="Score only this named set (repeatable; default: both, reported apart, when "
    "evals/retrieval/heldout.yaml exists).",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Also write the full report as JSON to OUT ('-' for stdout).",
)
@click.option(
    "--dense-only", is_flag=True, help="Rank by embedding similarity alone (no BM25 fusion)."
)
@_store_options
def eval_retrieval(
    queries_path: Path | None,
    sets: tuple[str, ...],
    json_out: Path | None,
    dense_only: bool,
    chroma_url: str | None,
    embedder: str | None,
) -> None:
    """Score search on the retrieval eval: hit@1, hit@3 and MRR, overall and per kind.

    The development set (`queries`) is the one search is tuned on; the held-out set was written
    independently and is never edited to fit, so it is reported on its own. In the JSON, the
    first set's report is the top level and any further set sits under its name.
    """
    from assistant.retrieval.evaluate import default_sets, load_queries, run_eval, set_path

    retriever = _retriever(chroma_url, embedder, hybrid=not dense_only)
    catalogue = retriever.index.catalogue
    named = (
        [("file", queries_path)]
        if queries_path
        else [(name, set_path(name)) for name in (sets or default_sets())]
    )
    reports: list[dict[str, Any]] = []
    for name, path in named:
        report = run_eval(
            load_queries(path, catalogue), catalogue, lambda q, k: retriever.search(q, k=k)
        )
        report["set"] = name
        report["embedder"] = retriever.index.embedder.id
        report["mode"] = "dense" if dense_only else "hybrid"
        report["queries_file"] = str(path)
        reports.append(report)
    if json_out is not None:
        top = dict(reports[0], **{r["set"]: r for r in reports[1:]})
        with click.open_file(str(json_out), "w", encoding="utf-8") as out:
            out.write(json.dumps(top, indent=2, ensure_ascii=False) + "\n")
        if str(json_out) == "-":
            return
    for i, report in enumerate(reports):
        if i:
            click.echo()
        _print_report(report)


def _print_report(report: dict[str, Any]) -> None:
    def row(label: str, m: dict[str, Any]) -> str:
        return f"{label:<20} {m['queries']:>4}  {m['hit@1']:>6.3f}  {m['hit@3']:>6.3f}  {m['mrr']:>6.3f}"

    click.echo(
        f"retrieval eval: {report['set']} ({report['mode']}, {report['embedder']}; "
        f"{report['queries_file']})"
    )
    click.echo(f"{'':<20} {'n':>4}  {'hit@1':>6}  {'hit@3':>6}  {'MRR':>6}")
    click.echo(row("overall", report["overall"]))
    for kind, metrics in report["by_kind"].items():
        click.echo(row(f"  {kind}", metrics))
    misses = [r for r in report["results"] if r["rank"] is None or r["rank"] > 3]
    if misses and report["set"] == "heldout":
        # Held-out queries are for measuring: listing them would invite tuning on them.
        click.echo(f"\nnot in the top 3: {len(misses)} (held-out queries are not listed)")
    elif misses:
        click.echo(f"\nnot in the top 3 ({len(misses)}):")
        for r in misses:
            rank = r["rank"] or ">10"
            click.echo(
                f"  [{rank}] {r['query']}\n        want {', '.join(r['expect'])}; got {', '.join(r['top3'])}"
            )
