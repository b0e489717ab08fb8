import os


def test_misspelled_name():
    os.environ["A"] = "1"  # isolint: ignore[env_var_polution]  # expect: invalid_suppression


def test_unknown_code_in_isolint_directive():
    os.environ["A"] = "1"  # isolint: ignore[ISO999]  # expect: invalid_suppression


def test_one_bad_key_of_two():
    os.environ["A"] = "1"  # isolint: ignore[env_var_pollution, sys_path_polution]  # expect: invalid_suppression


def test_unknown_iso_code_in_noqa():
    os.environ["A"] = "1"  # noqa: E501, ISO3  # expect: invalid_suppression


# Safe: existing names and codes in any case, other tools' codes, bare directives, text in strings.
def test_valid():
    os.environ["A"] = "1"  # isolint: ignore[env_var_pollution]
    os.environ["A"] = "1"  # isolint: ignore[iso003, ISO004]
    os.environ["A"] = "1"  # noqa: E501, W291, ISO003
    os.environ["A"] = "1"  # noqa: because the fixture resets it
    os.environ["A"] = "1"  # noqa
    os.environ["A"] = "1"  # isolint: ignore
    text = "# isolint: ignore[no_such_rule]"
