"""The load checks (scograph.checks.integrity) a claims file passes before any lookup trusts it."""

from __future__ import annotations

import pytest

from scograph import model as m
from scograph.errors import DataFileError
from scograph.graph import ClaimsGraph
from scograph.rdf.mapping import claims_to_turtle

EV = m.Evidence(quote="引文", page=99, paper="p", anchor=m.Anchor())
PAPER = m.Paper(id="p", label_zh="论文", label_en="Paper", title="论文", language="zh", doi="10.1/x",
                first_page=90, last_page=108)
TJ = m.Actor(id="tj", kind="state", label_zh="塔吉克斯坦", label_en="Tajikistan", alpha2="TJ", alpha3="TJK")


def load(tmp_path, turtle: str) -> ClaimsGraph:
    path = tmp_path / "claims.ttl"
    path.write_text(turtle, encoding="utf-8")
    return ClaimsGraph.load(path)


def claims(**lists) -> str:
    return claims_to_turtle(m.Claims(papers=[PAPER], actors=[TJ], **lists))


def test_a_driver_outside_the_three_levels_loads_and_a_wrong_level_does_not(tmp_path):
    apart = m.Driver(id="drv-enlargement", label_zh="扩员", label_en="Enlargement", evidence=[EV])
    assert [d["level"] for d in load(tmp_path, claims(drivers=[apart])).drivers()] == [None]
    wrong = claims(drivers=[apart]).replace("sco:evidence", "sco:level sco:GlobalLevel ;\n    sco:evidence", 1)
    with pytest.raises(DataFileError, match="drv-enlargement: breaks the rule that a driver's level, where it has one"):
        load(tmp_path, wrong)


def test_a_response_in_every_field_loads_without_a_domain(tmp_path):
    everywhere = m.Response(id="rsp-all", label_zh="在各领域", label_en="In every field", addressee="tj", evidence=[EV])
    assert [r["domain"] for r in load(tmp_path, claims(responses=[everywhere])).responses()] == [None]


def test_a_finding_needs_its_labels(tmp_path):
    finding = m.Finding(id="fnd-a", label_zh="结论", label_en="Finding", kind="trend", stance="concerned",
                        about=["tj"], evidence=[EV])
    assert [f["id"] for f in load(tmp_path, claims(findings=[finding])).findings()] == ["fnd-a"]
    without = claims(findings=[finding]).replace('"Finding"@en', '"Finding"@fr')
    with pytest.raises(DataFileError, match="fnd-a: breaks the rule that every entity has a label in English"):
        load(tmp_path, without)
