"""The lookups: demands, drivers, responses, findings, actors, show, paths, search and stats, each a thin call of :class:`scograph.graph.ClaimsGraph`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..render import Column, Format, field, pages, quotes, to_json, voice
from .common import (
    CountryOption,
    DataOption,
    DomainOption,
    EndpointOption,
    FormatOption,
    LimitOption,
    SinceOption,
    SortOption,
    SourceOption,
    SpeakerOption,
    StanceOption,
    ThemeOption,
    UntilOption,
    load,
    WideOption,
    print_records,
)

EXPECTATION_COLUMNS = [
    field("id"), Column("country", lambda r: r["country"] or r["holder"], 12), field("domain"), field("label", max_width=60, flex=True),
    field("speaker_label", "speaker", 24, flex=True), field("date"), Column("pages", pages),
]
DESCRIPTIONS = [field("description"), field("description_zh")]
EXPECTATION_CSV = [
    field("id"), field("country"), field("holder"), field("domain"), field("stance"), field("label"), field("label_zh"),
    *DESCRIPTIONS,
    field("themes"), field("speaker"), field("date"), field("initiatives"), field("documents"),
    field("drivers"), field("responses"), Column("pages", pages), Column("quotes", quotes),
]


def demands(country: CountryOption = None, domain: DomainOption = None, theme: ThemeOption = None,
            speaker: SpeakerOption = None, source: SourceOption = None, since: SinceOption = None,
            until: UntilOption = None, stance: StanceOption = None, sort: SortOption = None, limit: LimitOption = None,
            format: FormatOption = Format.table, wide: WideOption = False, data: DataOption = None,
            endpoint: EndpointOption = None) -> None:
    """Expectations (demands) of the Central Asian members, with quotes and pages."""
    claims = load(data, endpoint)
    filters = dict(theme=theme, speaker=speaker, source=source, since=since, until=until, stance=stance, sort=sort,
                   limit=limit)
    if format is Format.json and all(value is None for value in filters.values()):
        typer.echo(claims.demands_json(country=country, domain=domain), nl=False)  # the records' kept text
        return
    records = claims.demands(country=country, domain=domain, **filters)
    print_records(records, EXPECTATION_CSV if format is Format.csv else EXPECTATION_COLUMNS, format, wide)


def drivers(level: Annotated[Optional[str], typer.Option(help="domestic|regional|international (or 国家|地区|国际体系), or none: the drivers the paper lists apart from the three.")] = None,
            theme: ThemeOption = None, speaker: SpeakerOption = None, source: SourceOption = None,
            since: SinceOption = None, until: UntilOption = None, sort: SortOption = None, limit: LimitOption = None,
            format: FormatOption = Format.table, wide: WideOption = False, data: DataOption = None,
            endpoint: EndpointOption = None) -> None:
    """Drivers of the expectations, at the domestic, regional and international level (or apart from them)."""
    records = load(data, endpoint).drivers(level=level, theme=theme, speaker=speaker, source=source, since=since,
                                           until=until, sort=sort, limit=limit)
    columns = [field("id"), field("level"), field("broader"), field("label", max_width=60, flex=True), Column("pages", pages)]
    if format is Format.csv:
        columns += [field("label_zh"), *DESCRIPTIONS, field("actors"), field("affects"), field("indicators"),
                    field("expectations"), Column("quotes", quotes)]
    print_records(records, columns, format, wide)


def responses(domain: DomainOption = None, theme: ThemeOption = None, speaker: SpeakerOption = None,
              source: SourceOption = None, since: SinceOption = None, until: UntilOption = None,
              sort: SortOption = None, limit: LimitOption = None, format: FormatOption = Format.table,
              wide: WideOption = False, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Responses the paper recommends, by the "four models", with the expectations they answer."""
    records = load(data, endpoint).responses(domain=domain, theme=theme, speaker=speaker, source=source, since=since,
                                             until=until, sort=sort, limit=limit)
    columns = [field("id"), field("model"), field("domain"), field("label", max_width=60, flex=True),
               Column("answers", lambda r: len(r["addresses"])), Column("pages", pages)]
    if format is Format.csv:
        columns += [field("label_zh"), *DESCRIPTIONS, field("addressee"), field("addresses"), Column("quotes", quotes)]
    print_records(records, columns, format, wide)


FINDING_COLUMNS = [field("id"), field("kind"), field("stance"), field("about", max_width=40, flex=True),
                   field("label", max_width=60, flex=True), Column("pages", pages)]


def findings(country: CountryOption = None,
             about: Annotated[Optional[str], typer.Option(help="An id the finding is about: a state, group, theme, driver, expectation, response …")] = None,
             kind: Annotated[Optional[str], typer.Option(help="comparison, trend, assessment, conclusion or rationale.")] = None,
             theme: ThemeOption = None, speaker: SpeakerOption = None, source: SourceOption = None,
             since: SinceOption = None, until: UntilOption = None, stance: StanceOption = None,
             sort: SortOption = None, limit: LimitOption = None, format: FormatOption = Format.table,
             wide: WideOption = False, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """The authors' own findings: assessments, comparisons between countries, trends, conclusions, rationales."""
    records = load(data, endpoint).findings(country=country, about=about, kind=kind, theme=theme, speaker=speaker,
                                            source=source, since=since, until=until, stance=stance, sort=sort,
                                            limit=limit)
    columns = FINDING_COLUMNS
    if format is Format.csv:
        columns = columns + [field("label_zh"), *DESCRIPTIONS, field("countries"), Column("quotes", quotes)]
    print_records(records, columns, format, wide)


def actors(kind: Annotated[Optional[str], typer.Option(help="state, state-group, organisation, financial-institution, sco-body, government-body, person, non-state-group.")] = None,
           theme: Annotated[Optional[str], typer.Option(
               "--theme", metavar="THEME", help="The holders and speakers of demands on this theme.")] = None,
           sort: SortOption = None, limit: LimitOption = None,
           format: FormatOption = Format.table, wide: WideOption = False, data: DataOption = None,
           endpoint: EndpointOption = None) -> None:
    """States, organisations, SCO bodies, persons and groups the paper names."""
    records = load(data, endpoint).actors(kind=kind, theme=theme, sort=sort, limit=limit)
    columns = [field("id"), field("kind"), field("alpha2", "code"), field("label", flex=True), field("label_zh", flex=True), field("office", flex=True)]
    if format is Format.csv:
        columns += [field("alpha3"), field("country"), field("part_of"), field("members"), *DESCRIPTIONS]
    print_records(records, columns, format, wide)


def show(entity_id: Annotated[str, typer.Argument(metavar="ID", help="An entity id, e.g. exp-tj-anti-drug-centre.")],
         format: FormatOption = Format.table, wide: WideOption = False, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """One entity: its fields, evidence (quote, page, footnote source) and every link in and out."""
    record = load(data, endpoint).describe(entity_id)
    if format is Format.json:
        typer.echo(to_json(record), nl=False)
        return
    rows = []
    for key, value in record.items():
        if key == "evidence":
            for item in value:
                note = f", note {item['note']} ({item['source']})" if item.get("note") else ""
                rows.append({"field": "evidence", "value": f"p. {item['page']}{note}, {voice(item)}: {item['quote']}"})
        elif key in ("links_out", "links_in"):
            arrow = "→" if key == "links_out" else "←"
            for link in value:
                basis = f" [{link['basis']}]" if link.get("basis") else ""
                rows.append({"field": key, "value": f"{link['relation']} {arrow} {link['id']} ({link['label']}){basis}"})
        elif value not in (None, [], ""):
            is_table = isinstance(value, list) and isinstance(value[0], dict)
            rows.append({"field": key, "value": _compact(value) if is_table else value})
    print_records(rows, [field("field", max_width=20), field("value", max_width=1000, flex=True, wrap=True)], format, wide)


def _compact(items: list[dict]) -> str:
    return "; ".join(", ".join(f"{k}={v}" for k, v in item.items() if v is not None) for item in items)


def paths(country: CountryOption = None, domain: DomainOption = None,
          start: Annotated[Optional[str], typer.Option("--from", help="A driver (its narrower drivers count too) or an expectation id.")] = None,
          end: Annotated[Optional[str], typer.Option("--to", help="A response or an expectation id.")] = None,
          format: FormatOption = Format.table, wide: WideOption = False, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Driver → expectation → response chains, filtered by country, domain and endpoints."""
    claims = load(data, endpoint)
    if format is Format.table:  # ids only: the records of every entity on the chains are not needed
        chains = claims.chains(country=country, domain=domain, start=start, end=end)
        columns = [
            Column("driver", lambda c: c["driver"], 40),
            Column("expectation", lambda c: c["expectation"], 44),
            Column("response", lambda c: c["response"], 44),
            Column("country", lambda c: c["country"] or c["holder"], 12),
            Column("basis", lambda c: f"{c['driver_basis']}/{c['response_basis']}", 17),
        ]
        print_records(chains, columns, format, wide)
        return
    if format is Format.json:  # printed from the records' kept text
        typer.echo(claims.paths_json(country=country, domain=domain, start=start, end=end), nl=False)
        return
    records = claims.paths(country=country, domain=domain, start=start, end=end)
    columns = [
        Column("driver", lambda r: r["driver"]["id"]),
        Column("expectation", lambda r: r["expectation"]["id"]),
        Column("response", lambda r: r["response"]["id"]),
        Column("country", lambda r: r["expectation"]["country"] or r["expectation"]["holder"]),
        Column("basis", lambda r: f"{r['driver_basis']}/{r['response_basis']}"),
        Column("driver_label", lambda r: r["driver"]["label"]),
        Column("expectation_label", lambda r: r["expectation"]["label"]),
        Column("response_label", lambda r: r["response"]["label"]),
        Column("expectation_pages", lambda r: pages(r["expectation"])),
    ]
    print_records(records, columns, format, wide)


def search(text: Annotated[str, typer.Argument(help="Chinese or English words, matched in labels, descriptions and quotes.")],
           type: Annotated[Optional[str], typer.Option("--type", help="Only entities of this type (expectation, driver, …).",
                                                       metavar="KIND")] = None,
           limit: Annotated[Optional[int], typer.Option("--limit", help="At most this many results.", metavar="N")] = None,
           format: FormatOption = Format.table, wide: WideOption = False, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Find entities by Chinese or English words in labels, descriptions and quotes, best match first."""
    records = load(data, endpoint).search(text, type=type, limit=limit)
    columns = [field("id"), field("type"), field("score"), field("label", max_width=50, flex=True),
               field("field", max_width=14), field("match", max_width=60, flex=True)]
    print_records(records, columns, format, wide)


def stats(format: FormatOption = Format.table, data: DataOption = None, endpoint: EndpointOption = None) -> None:
    """Counts by type, and expectations per country × domain."""
    result = load(data, endpoint).stats()
    if format is Format.json:
        typer.echo(to_json(result), nl=False)
        return
    matrix_columns = [field("holder", "country")] + [field(d) for d in ("political", "security", "economic", "cultural", "total")]
    if format is Format.csv:
        print_records(result["expectations_by_holder_and_domain"], matrix_columns, format)
        return
    counts = [{"type": k, "count": v} for k, v in result["counts"].items()]
    print_records(counts, [field("type"), field("count")], format)
    typer.echo("")
    print_records(result["expectations_by_holder_and_domain"], matrix_columns, format)
