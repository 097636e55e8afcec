"""The typed model rejects what the paper's claims can never be."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from scograph import model as m

EV = m.Evidence(quote="引文", page=99, paper="p")


def test_a_state_needs_both_iso_codes():
    with pytest.raises(ValidationError, match="both ISO 3166 codes"):
        m.Actor(id="tj", kind="state", label_zh="塔", label_en="Tajikistan", alpha2="TJ")
    with pytest.raises(ValidationError, match="only a state"):
        m.Actor(id="sco", kind="organisation", label_zh="上合", label_en="SCO", alpha2="SC")


@pytest.mark.parametrize("bad", ["Exp TJ", "exp_tj", "", "-exp", "exp--tj", "ÉXP"])
def test_ids_are_readable_slugs(bad):
    with pytest.raises(ValidationError):
        m.Theme(id=bad, label_zh="主题", label_en="Theme")


@pytest.mark.parametrize("bad", ["", " padded", "bell\x07", "nul\x00", "\ufffe"])
def test_text_refuses_controls_padding_and_emptiness(bad):
    with pytest.raises(ValidationError):
        m.Theme(id="theme-a", label_zh=bad, label_en="Theme")


@pytest.mark.parametrize("good,bad", [("2019", "19"), ("2019-04", "2019-13"), ("2019-04-26", "2019-04-32")])
def test_dates_are_as_precise_as_the_source(good, bad):
    m.Event(id="evt-a", kind="summit", label_zh="峰会", label_en="Summit", date=good)
    with pytest.raises(ValidationError):
        m.Event(id="evt-a", kind="summit", label_zh="峰会", label_en="Summit", date=bad)


def test_claims_need_evidence():
    with pytest.raises(ValidationError, match="evidence"):
        m.Expectation(id="exp-tj-a", label_zh="期待", label_en="Demand", holder="tj", domain="security",
                      themes=["theme-a"], evidence=[])


def test_a_link_to_the_same_target_twice_is_refused():
    link = m.Link(target="drv-a", evidence=[EV])
    with pytest.raises(ValidationError, match="more than once"):
        m.Response(id="rsp-a", label_zh="对策", label_en="Response", addressee="sco", domain="security",
                   addresses=[link, link], evidence=[EV])


def test_unordered_lists_are_canonical():
    theme = dict(id="exp-tj-a", label_zh="期待", label_en="Demand", holder="tj", domain="security", evidence=[EV])
    assert m.Expectation(themes=["b", "a", "b"], **theme).themes == ["a", "b"]


def test_unknown_fields_are_errors():
    with pytest.raises(ValidationError, match="extra"):
        m.Theme(id="theme-a", label_zh="主题", label_en="Theme", colour="red")


def test_indicator_values_are_finite():
    with pytest.raises(ValidationError, match="finite"):
        m.Indicator(id="ind-a", label_zh="指标", label_en="Figure", value=float("nan"), unit="%", year=2018,
                    measures="growth", subject="kg", evidence=[EV])
