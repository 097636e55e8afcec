"""The `scograph analyse` command, and the discourse options `scograph export` shares."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ..discourse.networks import (
    DUPLICATES,
    ONE_MODE_NORMALIZATIONS,
    ONE_MODE_QUALIFIERS,
    TWO_MODE_NORMALIZATIONS,
    TWO_MODE_QUALIFIERS,
)
from ..discourse.statements import ACTOR_LEVELS, CONCEPT_KINDS, STANCES
from ..render import Format, field
from .common import (
    CountryOption,
    DataOption,
    DomainOption,
    FormatOption,
    load,
    print_records,
)


def _choices(name: str, values) -> type[Enum]:
    return Enum(name, {v.replace("-", "_"): v for v in dict.fromkeys(values)}, type=str)


ActorLevel = _choices("ActorLevel", ACTOR_LEVELS)
ConceptKind = _choices("ConceptKind", CONCEPT_KINDS)
Qualifier = _choices("Qualifier", TWO_MODE_QUALIFIERS + ONE_MODE_QUALIFIERS)
Duplicates = _choices("Duplicates", DUPLICATES)
Stance = _choices("Stance", STANCES)
AnalysedNetwork = _choices("AnalysedNetwork", ("actor-actor", "actor-concept", "concept-concept"))
Measure = _choices("Measure", ("centrality", "communities", "polarisation"))
DiscourseNormalization = _choices("DiscourseNormalization", ("none", "jaccard", "cosine") + ONE_MODE_NORMALIZATIONS
                                  + TWO_MODE_NORMALIZATIONS)

ActorLevelOption = Annotated[ActorLevel | None, typer.Option(
    "--actor-level", help="Actors are persons (who spoke), organisations (the speaking body, else the state) or states; default state.")]
ConceptOption = Annotated[ConceptKind | None, typer.Option(
    "--concept", help="Concepts are the demands' themes (default) or the demands themselves.")]
QualifierOption = Annotated[Qualifier | None, typer.Option(
    "--qualifier", help="How stance counts: two-mode ignore|subtract|combine (default ignore); "
                        "one-mode ignore|congruence|conflict|subtract (default congruence).")]
DuplicatesOption = Annotated[Duplicates | None, typer.Option(
    "--duplicates", help="Count every statement (all), or one identical statement per document, week, month, year or range.")]
WindowOption = Annotated[str | None, typer.Option(
    "--window", metavar="SPAN", help="A series of networks, one per window of SPAN (12M, 1Y, 2W, 30D); alone: calendar periods.")]
StepOption = Annotated[str | None, typer.Option(
    "--step", metavar="SPAN", help="How far each window moves (default: --window, i.e. calendar periods), e.g. 3M.")]
IsolatesOption = Annotated[bool, typer.Option(
    "--isolates/--no-isolates", help="Keep every node of all statements (each window the same nodes), or only those of the selection.")]
ExcludeActorOption = Annotated[list[str] | None, typer.Option(
    "--exclude-actor", metavar="ID", help="Leave out statements of this person, organisation or state (repeatable).")]
ExcludeConceptOption = Annotated[list[str] | None, typer.Option(
    "--exclude-concept", metavar="ID", help="Leave out statements on this theme or demand (repeatable).")]
ExcludeStanceOption = Annotated[list[Stance] | None, typer.Option(
    "--exclude-stance", help="Leave out statements of this stance (repeatable).")]
ExcludeSourceOption = Annotated[list[str] | None, typer.Option(
    "--exclude-source", metavar="ID", help="Leave out statements from this source document (repeatable).")]
MinStatementsOption = Annotated[int, typer.Option(
    "--min-statements", metavar="N", help="Drop the nodes (actors, concepts; both in actor-concept) with fewer than N statements.")]


def selection(*, actor_level=None, country=None, domain=None, since=None, until=None, group_demands=True,
              duplicates=None, exclude_actor=None, exclude_concept=None, exclude_stance=None, exclude_source=None,
              min_statements=0, isolates=False):
    """The library's :class:`Selection` from the command line's options."""
    from ..discourse.networks import Selection

    return Selection(
        actor_level=actor_level.value if actor_level else "state", country=country, domain=domain, since=since,
        until=until, group_demands=group_demands, duplicates=duplicates.value if duplicates else "all",
        exclude_actors=tuple(exclude_actor or ()), exclude_concepts=tuple(exclude_concept or ()),
        exclude_stances=tuple(s.value for s in exclude_stance or ()), exclude_sources=tuple(exclude_source or ()),
        min_statements=min_statements, isolates=isolates)


CENTRALITY_COLUMNS = [field("id", max_width=40), field("label", max_width=32, flex=True), field("statements"), field("degree"),
                      field("strength"), field("betweenness"), field("community")]
COMMUNITY_COLUMNS = [field("community"), field("size"), field("members", max_width=80, flex=True)]
POLARISATION_COLUMNS = [field("start"), field("end"), field("statements"), field("actors"), field("groups"),
                        field("polarisation"), field("conflict_across")]


def analyse(
    network: Annotated[AnalysedNetwork, typer.Option(
        "--network", "-n", help="actor-actor (default), actor-concept or concept-concept.")] = AnalysedNetwork.actor_actor,
    measure: Annotated[Measure, typer.Option(
        "--measure", "-m", help="centrality (degree, strength, betweenness, community per node), communities "
                                "(Louvain), or polarisation (per --window, else for all statements).")] = Measure.centrality,
    qualifier: QualifierOption = None,
    normalize: Annotated[DiscourseNormalization | None, typer.Option(
        "--normalize", help="one-mode none|average|jaccard|cosine; two-mode none|activity|prominence.")] = None,
    actor_level: ActorLevelOption = None,
    concept: ConceptOption = None,
    country: CountryOption = None,
    domain: DomainOption = None,
    since: Annotated[str | None, typer.Option(metavar="DATE", help="Statements dated DATE or later.")] = None,
    until: Annotated[str | None, typer.Option(metavar="DATE", help="Statements dated DATE or earlier.")] = None,
    group_demands: Annotated[bool, typer.Option(
        "--group-demands/--no-group-demands", help="Count a group's demands for each member state, or leave them out.")] = True,
    duplicates: DuplicatesOption = None,
    window: WindowOption = None,
    step: StepOption = None,
    isolates: IsolatesOption = False,
    exclude_actor: ExcludeActorOption = None,
    exclude_concept: ExcludeConceptOption = None,
    exclude_stance: ExcludeStanceOption = None,
    exclude_source: ExcludeSourceOption = None,
    min_statements: MinStatementsOption = 0,
    format: FormatOption = Format.table,
    data: DataOption = None,
) -> None:
    """Analyse a discourse network: centralities, Louvain communities, polarisation over time."""
    from ..discourse import analysis
    from ..discourse.export import build
    from ..discourse.statements import labels
    from ..errors import UsageError

    chosen = selection(actor_level=actor_level, country=country, domain=domain, since=since, until=until,
                       group_demands=group_demands, duplicates=duplicates, exclude_actor=exclude_actor,
                       exclude_concept=exclude_concept, exclude_stance=exclude_stance, exclude_source=exclude_source,
                       min_statements=min_statements, isolates=isolates)
    graph = load(data)
    kind = concept.value if concept else "theme"
    norm = normalize.value if normalize else None
    if measure.value == "polarisation":
        if network.value != "actor-actor" or qualifier is not None:
            raise UsageError("polarisation is of the actor-actor network's congruence and conflict: leave out --network and --qualifier")
        if window:
            rows = analysis.polarisation_series(graph, chosen, window, step, norm or "none", kind)
        elif step:
            raise UsageError("--step needs --window (the length of each window)")
        else:
            rows = [analysis.polarisation(graph, chosen, norm or "none", concept=kind)]
        print_records([r.as_dict() for r in rows], POLARISATION_COLUMNS, format)
        return
    if window or step:
        raise UsageError("--window applies to --measure polarisation (export --window writes the networks)")
    built = build(graph, network.value, chosen, qualifier=qualifier.value if qualifier else None, normalize=norm,
                  concept=kind)
    names = labels(graph, built.rows + built.columns)
    if measure.value == "centrality":
        rows = analysis.centrality(built)
        for row in rows:
            row["label"] = names[row["id"]][0]
        print_records(rows, CENTRALITY_COLUMNS, format)
        return
    groups = analysis.communities(built)
    print_records([{"community": n, "size": len(g), "members": g} for n, g in enumerate(groups)], COMMUNITY_COLUMNS, format)
