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


# ------------------------------------------------------------------ voice, stance, links that fit, findings


def test_a_speakers_words_name_the_speaker_and_the_authors_words_name_none():
    with pytest.raises(ValidationError, match="reported words need the speaker"):
        m.Evidence(quote="塔吉克斯坦还认为", page=99, paper="p", voice="reported")
    with pytest.raises(ValidationError, match="the authors' own words have no speaker or date"):
        m.Evidence(quote="阿富汗局势", page=94, paper="p", speaker="rahmon", date="2019")
    with pytest.raises(ValidationError, match="have no occasion"):
        m.Evidence(quote="阿富汗局势", page=94, paper="p", occasion="evt-a")
    said = m.Evidence(quote="“统一的安全空间”", page=99, paper="p", voice="quoted", speaker="jeenbekov",
                      date="2018-03-22", occasion="evt-a")
    assert (said.voice, said.speaker) == (m.Voice.quoted, "jeenbekov")
    assert m.Evidence(quote="阿富汗局势", page=94, paper="p").voice is m.Voice.authors


def _demand(**fields) -> m.Expectation:
    return m.Expectation(id="exp-tj-a", label_zh="期待", label_en="Demand", holder="tj", domain="security",
                         themes=["theme-a"], **fields)


def test_a_demands_speaker_date_and_occasion_are_those_of_one_of_its_quotes():
    reported = m.Evidence(quote="拉赫蒙指出", page=100, note=1, paper="p", voice="reported", speaker="rahmon",
                          date="2019-04-17", occasion="evt-a")
    assert _demand(speaker="rahmon", date="2019-04-17", evidence=[EV, reported]).speaker == "rahmon"
    assert _demand(date="2019-04-17", evidence=[reported]).date == "2019-04-17"
    with pytest.raises(ValidationError, match=r"speaker \(speaker = \"rahmon\"\) must be those of one of its evidence"):
        _demand(speaker="rahmon", evidence=[EV])
    with pytest.raises(ValidationError, match="speaker and date"):  # both from one quote, not one each
        _demand(speaker="rahmon", date="2019-06-14", evidence=[reported])


def test_stance_defaults_to_supports_and_is_one_of_three():
    assert _demand(evidence=[EV]).stance is m.Stance.supports
    assert _demand(evidence=[EV], stance="opposes").stance is m.Stance.opposes
    with pytest.raises(ValidationError, match="stance"):
        _demand(evidence=[EV], stance="neutral")


def test_a_stated_link_needs_its_sentence_and_an_inferred_one_its_rationale():
    assert m.Link(target="drv-a", evidence=[EV]).basis is m.Basis.stated
    with pytest.raises(ValidationError, match="a stated link needs its evidence"):
        m.Link(target="drv-a")
    with pytest.raises(ValidationError, match="an inferred link needs a rationale"):
        m.Link(target="drv-a", basis="inferred", evidence=[EV])
    with pytest.raises(ValidationError, match="a stated link has no rationale"):
        m.Link(target="drv-a", evidence=[EV], rationale="Because.")
    assert m.Link(target="drv-a", basis="inferred", rationale="Read from the section's argument.").evidence == []


def test_one_quote_is_given_once_per_claim():
    twice = [EV, EV.model_copy(update={"voice": m.Voice.reported, "speaker": "tj"})]
    with pytest.raises(ValidationError, match="given twice"):
        _demand(evidence=twice)


def test_a_finding_has_a_kind_a_stance_what_it_is_about_and_a_quote():
    finding = m.Finding(id="fnd-a", label_zh="结论", label_en="Finding", kind="comparison", stance="concerned",
                        about=["tj", "kg", "tj"], evidence=[EV])
    assert finding.about == ["kg", "tj"]
    for missing in ("kind", "stance", "about", "evidence"):
        fields = dict(id="fnd-a", label_zh="结论", label_en="Finding", kind="trend", stance="supports",
                      about=["tj"], evidence=[EV])
        fields[missing] = [] if missing in ("about", "evidence") else None
        with pytest.raises(ValidationError, match=missing):
            m.Finding(**fields)


def test_a_driver_may_stand_apart_from_the_three_levels():
    assert m.Driver(id="drv-a", label_zh="扩员", label_en="Enlargement", evidence=[EV]).level is None
    with pytest.raises(ValidationError):
        m.Driver(id="drv-a", label_zh="扩员", label_en="Enlargement", level="global", evidence=[EV])


def test_anchors_are_short_and_clean_but_may_be_empty():
    assert m.Anchor().prefix == ""
    assert m.Anchor(prefix=" 前文", suffix="x" * m.ANCHOR_LENGTH).prefix == " 前文"
    with pytest.raises(ValidationError):
        m.Anchor(suffix="x" * (m.ANCHOR_LENGTH + 1))
    with pytest.raises(ValidationError, match="control character"):
        m.Anchor(prefix="\x07")
