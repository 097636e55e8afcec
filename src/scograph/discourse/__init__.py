"""Discourse-network analysis on a par with DNA (Leifeld's Discourse Network Analyzer).

``statements`` reads DNA statements from the store; ``networks`` builds two-mode and one-mode
networks with DNA's qualifier aggregations and normalisations; ``time`` makes series of them;
``formats`` writes matrices and UCINET DL; ``threemode`` the driver → demand → response
networks; ``analysis`` centralities, communities and polarisation.
"""

from .statements import (
    ACTOR_LEVELS,
    CONCEPT_KINDS,
    STANCES,
    Statement,
    labels,
    statements,
)

__all__ = ["ACTOR_LEVELS", "CONCEPT_KINDS", "STANCES", "Statement", "labels", "statements"]
