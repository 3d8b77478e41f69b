"""The one typed configuration: environment variables in, clear errors out."""

from __future__ import annotations

import pytest

from whyrec.config import load_config
from whyrec.errors import WhyrecError


def test_a_rating_offset_at_or_above_the_positive_threshold_is_refused_with_both_settings_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WHYREC_RANKER_RATING_OFFSET", "4")
    with pytest.raises(WhyrecError) as err:
        load_config()
    message = str(err.value)
    assert "WHYREC_RANKER_RATING_OFFSET (4.0)" in message
    assert "WHYREC_CATALOG_POSITIVE_THRESHOLD (4.0)" in message
    assert "Value error" not in message


def test_the_offset_is_free_when_rating_weights_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHYREC_RANKER_RATING_OFFSET", "4")
    monkeypatch.setenv("WHYREC_RANKER_RATING_WEIGHTS", "false")
    config = load_config()
    assert config.ranker.rating_offset == 4.0 and not config.ranker.rating_weights


def test_field_errors_name_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHYREC_RANKER_LR", "-1")
    with pytest.raises(WhyrecError, match="WHYREC_RANKER_LR"):
        load_config()
