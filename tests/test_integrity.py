"""The load checks: a file whose entities the lookups cannot name or print never opens."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from scograph.checks import integrity
from scograph.errors import DataFileError
from scograph.graph import ClaimsGraph
from scograph.model import EntityId
from scograph.terms import ENTITY

from .conftest import DATA

_MODEL_ID = TypeAdapter(EntityId)


def _model_accepts(text: str) -> bool:
    try:
        _MODEL_ID.validate_python(text)
    except ValidationError:
        return False
    return True


@given(st.text(alphabet=st.sampled_from("az09-._A'\" \n<>%/é\x01"), max_size=130) | st.text(max_size=20))
@example("a" * 120)
@example("a" * 121)
@example("exp-tj-anti-drug-centre\n")
@example("a--b")
@example("a.b")
def test_the_load_check_and_the_typed_model_agree_on_every_id(text):
    """One grammar: what the load check lets through is exactly what the model (and so ``show``) accepts."""
    rule_holds = integrity.ENTITY_RULES[0][1]
    assert rule_holds(ENTITY + text, {"en", "zh"}) == _model_accepts(text)


def _claims(tmp_path, subject: str, label: str = '"A name"@en , "一个名字"@zh') -> str:
    path = tmp_path / "claims.ttl"
    path.write_text(
        "@prefix sco: <https://w3id.org/scograph/vocab#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"{subject} a sco:Actor , sco:Organisation ;\n    rdfs:label {label} .\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("subject,shown", [
    (f"<{ENTITY}adb'onmouseover='alert(9)'>", "\"adb'onmouseover='alert(9)'\""),
    (f"<{ENTITY}World-Bank>", "'World-Bank'"),
    (f"<{ENTITY}a--b>", "'a--b'"),
    (f"<{ENTITY}{'a' * 121}>", repr("a" * 121)),
    (f"<{ENTITY}a/b>", "'a/b'"),
    ("<https://example.org/world-bank>", "'https://example.org/world-bank'"),
    ("_:someone", "'_:"),
])
def test_an_entity_named_outside_the_id_grammar_does_not_open(tmp_path, subject, shown):
    path = _claims(tmp_path, subject)
    with pytest.raises(DataFileError) as raised:
        ClaimsGraph.load(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: {shown}") and "breaks the rule that every entity is named by an IRI" in message
    assert f"(run: scograph validate {path})" in message and "\n" not in message


def test_an_entity_without_a_label_in_each_language_does_not_open(tmp_path):
    path = _claims(tmp_path, f"<{ENTITY}world-bank>", label='"World Bank"@en')
    with pytest.raises(DataFileError, match="world-bank: breaks the rule that every entity has a label in Chinese"):
        ClaimsGraph.load(path)


def test_a_sound_small_graph_opens(tmp_path):
    """The checks on one entity alone: a plain organisation with both labels breaks no load rule."""
    assert ClaimsGraph.load(_claims(tmp_path, f"<{ENTITY}world-bank>")).actors()[0]["id"] == "world-bank"


def test_the_packaged_claims_break_no_load_rule():
    assert integrity.first_problem(ClaimsGraph.load(DATA).store) is None
