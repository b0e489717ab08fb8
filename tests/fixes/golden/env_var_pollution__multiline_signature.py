# runs with pytest
"""The parameter is added in the signature's own layout: its own line, the same indentation, a
trailing comma, and an annotation when the other parameters have one."""
import os

import pytest


@pytest.mark.parametrize("expect_ntests_passed", [1])
def test_exploded(
    tmp_path: object,
    expect_ntests_passed: int
) -> None:
    os.environ["ISOLINT_GOLDEN_EXPLODED"] = str(expect_ntests_passed)
    assert os.environ["ISOLINT_GOLDEN_EXPLODED"] == "1"


def test_exploded_with_trailing_comma(
    tmp_path: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    os.environ["ISOLINT_GOLDEN_TRAILING"] = "1"


def test_hanging(tmp_path: object, capsys: pytest.CaptureFixture[str],
                 recwarn: object) -> None:
    os.environ["ISOLINT_GOLDEN_HANGING"] = "1"


def test_no_annotations(tmp_path, capsys):
    os.environ["ISOLINT_GOLDEN_PLAIN"] = "1"


class TestHugging:
    @pytest.mark.parametrize("chdir,testarg", [("a", "b")])
    def test_too_long_for_one_line_with_the_new_parameter(
        self, tmp_path: object, chdir: str, testarg: str, expect_ntests_passed: int = 1
    ) -> None:
        os.environ["ISOLINT_GOLDEN_HUGGING"] = chdir + testarg

    def test_short_enough(
        self, tmp_path: object
    ) -> None:
        os.environ["ISOLINT_GOLDEN_SHORT"] = "1"

    def test_one_line_signature_that_grows_too_long(self, tmp_path: object, capsys: object) -> None:
        os.environ["ISOLINT_GOLDEN_GROWN"] = "1"

    def test_fits(self, tmp_path: object) -> None:
        os.environ["ISOLINT_GOLDEN_FITS"] = "1"
