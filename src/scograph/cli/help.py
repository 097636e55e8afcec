"""What ``--help`` shows after the options: examples of each command and the exit codes.

Every example is a real command line: tests/test_cli_habits.py parses each one with its command.
"""

from __future__ import annotations

from ..errors import EXIT_CODES

EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "demands": [("scograph demands --country TJ --domain security", "Tajikistan's security demands"),
                ("scograph demands -c 塔吉克斯坦 --format json", "the same country by its Chinese name, as JSON"),
                ("scograph demands --theme drugs --since 2019-04 --sort -date --limit 3", "the latest three on drugs")],
    "drivers": [("scograph drivers --level regional", "the regional drivers (Afghanistan)"),
                ("scograph drivers --level none --format csv", "those the paper lists apart from the three levels"),
                ("scograph drivers --theme afghanistan", "those behind demands on Afghanistan")],
    "responses": [("scograph responses --domain security", "what the paper recommends on security"),
                  ("scograph responses --format json", "every response with its descriptions and quotes"),
                  ("scograph responses --theme drugs --sort -pages --limit 2", "on drugs, the last pages first")],
    "findings": [("scograph findings --country KZ", "the authors' findings about Kazakhstan"),
                 ("scograph findings --kind comparison", "their comparisons between countries"),
                 ("scograph findings --stance concerned --sort pages", "their concerns, in the paper's order")],
    "actors": [("scograph actors --kind person", "the persons the paper names"),
               ("scograph actors --theme drugs", "who holds or voices demands on drugs"),
               ("scograph actors --wide", "every label in full")],
    "show": [("scograph show exp-tj-anti-drug-centre", "one demand: fields, quotes, pages, links"),
             ("scograph show rsp-afghanistan-response-capacity --format json", "a response as JSON")],
    "paths": [("scograph paths --country TJ --to rsp-afghanistan-response-capacity", "chains that end in one response"),
              ("scograph paths --from drv-afghanistan --format json", "chains from a driver and its narrower ones")],
    "search": [("scograph search 'anti drug'", "English words, stemmed: drugs, drug, anti-drug"),
               ("scograph search 禁毒 --type expectation --limit 5", "Chinese, only demands, the best five")],
    "stats": [("scograph stats", "counts by type, and demands per country and domain")],
    "push": [("scograph push --endpoint http://127.0.0.1:7878/store", "replace an Oxigraph server's default graph")],
    "validate": [("scograph validate", "check the packaged graph"),
                 ("scograph validate --data my-claims.ttl --paper paper.txt", "another file, quotes checked on the paper")],
    "build": [("scograph build --check", "exit 1 if data/claims.ttl is older than the curation files"),
              ("scograph build -o claims.ttl", "compile the curation files to a file")],
    "analyse": [("scograph analyse --actor-level person", "centralities of the speakers"),
                ("scograph analyse --measure polarisation --window 1Y", "polarisation year by year")],
    "export": [("scograph export --format gexf --network actor-congruence -o congruence.gexf", "a network for Gephi"),
               ("scograph export --format statements --country KZ --since 2019", "Kazakhstan's statements since 2019")],
    "plot": [("scograph plot sankey --country TJ -o sankey-tj.png", "drivers → demands → responses of one country"),
             ("scograph plot timeline --period quarter -o timeline.svg", "statements over time")],
    "serve": [("scograph serve", "pages and a SPARQL endpoint on http://127.0.0.1:8000/"),
              ("scograph serve --port 8080 --timeout 5", "another port, queries stopped after 5 s")],
    "sparql": [("scograph sparql --list", "the named queries"),
               ("scograph sparql demands-by-country --param country=TJ", "run one with a parameter"),
               ("scograph sparql --query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'", "run query text")],
    "synth": [("scograph synth --papers 1000 -o corpus.ttl", "a synthetic corpus of about a million triples")],
}
"""Each command's examples: (the command line, what it does)."""


def exit_codes() -> str:
    lines = "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items())
    return f"\b\nExit codes:\n{lines}"


def examples(pairs: list[tuple[str, str]]) -> str:
    """The examples, each with what it does aligned beside it (under it, when a command line is long)."""
    from ..render import width

    wide = max(width(command) for command, _ in pairs)
    lines = "\n".join(f"  {command}{' ' * (wide - width(command))}  # {what}" if wide <= 56
                      else f"  {command}\n      # {what}" for command, what in pairs)
    return f"\b\nExamples:\n{lines}"


def command_epilog(name: str) -> str:
    return f"{examples(EXAMPLES[name])}\n\n{exit_codes()}"


def group_epilog() -> str:
    first = [EXAMPLES[name][0] for name in ("demands", "show", "search", "paths", "export")]
    return (f"{examples(first)}\n\nEach command's own help: scograph COMMAND -h. Completion of commands and"
            f" options in bash, zsh, fish or PowerShell: scograph --install-completion.\n\n{exit_codes()}")
