"""What a user types for a country: codes, names, the usual variants, and a suggestion when it is none."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scograph.errors import UsageError
from scograph.inputs import COUNTRY_VARIANTS, Country, country_names, parse_country


@pytest.mark.parametrize("spelling,code", [
    ("Tadjikistan", "TJ"), ("Tadzhikistan", "TJ"), ("塔吉克", "TJ"), ("Republic of Tajikistan", "TJ"),
    ("Kirghizia", "KG"), ("Kyrgyz Republic", "KG"), ("the Kyrgyz Republic", "KG"), ("吉尔吉斯", "KG"),
    ("Kazakstan", "KZ"), ("哈萨克", "KZ"), ("Ouzbekistan", "UZ"), ("乌兹别克", "UZ"),
    ("People's Republic of China", "CN"), ("Russian Federation", "RU"), ("U.S.A.", "US"), ("Türkiye", "TR"),
    (" tajikistan ", "TJ"), ("KYRGYZSTAN", "KG"), ("kgz", "KG"),
])
def test_the_usual_variants_name_the_state(graph, spelling, code):
    assert graph.country(spelling).alpha2 == code


@pytest.mark.parametrize("typo,code", [("Tajikstan", "TJ"), ("tajikistn", "TJ"), ("Kyrgystan", "KG"), ("Uzbekistn", "UZ")])
def test_a_near_miss_is_suggested_with_the_valid_codes(graph, typo, code):
    try:
        found = graph.country(typo)
    except UsageError as error:
        message = str(error)
        assert "\n" not in message and f"did you mean {code} (" in message
        assert all(c in message for c in ("KG", "KZ", "TJ", "UZ"))
    else:  # a listed variant resolves outright
        assert found.alpha2 == code


def test_far_from_every_name_there_is_no_suggestion(graph):
    with pytest.raises(UsageError) as raised:
        graph.country("Atlantis")
    assert "did you mean" not in str(raised.value) and "valid: ISO alpha-2" in str(raised.value)


def test_a_spelling_two_states_share_names_neither():
    one = Country("aa", "AA", "AAA", "Samename", "")
    other = Country("bb", "BB", "BBB", "Samename", "")
    names = country_names([one, other])
    with pytest.raises(UsageError):
        parse_country("Samename", names)
    assert parse_country("AA", names) is one and parse_country("bbb", names) is other


def test_variants_are_keyed_by_codes_and_never_collide_across_states():
    keys = {}
    for code, variants in COUNTRY_VARIANTS.items():
        assert len(code) == 2 and code.isupper()
        for variant in variants:
            keys.setdefault(variant.casefold(), set()).add(code)
    assert all(len(codes) == 1 for codes in keys.values()), {k: v for k, v in keys.items() if len(v) > 1}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_text_resolves_to_a_state_or_is_one_line_usage_error(graph, text):
    try:
        found = graph.country(text)
    except UsageError as error:
        assert "\n" not in str(error).replace(repr(text), "")
    else:
        assert found.alpha2 in {"KZ", "KG", "TJ", "UZ", "CN", "RU", "IN", "PK", "AF", "US", "IR", "TM", "TR", "JP", "SY"}
