"""Code only a module's `if __name__ == "__main__":` block reaches never runs under pytest,
which imports the module; pytest does not follow unittest's `load_tests` protocol either."""
import os
import sys
import unittest


def _setup_environ():
    os.environ["RUNNER_QUIET"] = "1"


def main():
    os.environ["RUNNER_MODE"] = "script"
    _setup_environ()


def shared():
    os.environ["SHARED"] = "1"  # expect: env_var_pollution


def test_calls_shared():
    shared()


def called_at_import():
    os.environ["AT_IMPORT"] = "1"  # expect: env_var_pollution


called_at_import()


def handed_on():
    os.environ["HANDED_ON"] = "1"  # expect: env_var_pollution


RUNNERS = [handed_on]


def test_module_level_is_imported():
    os.environ["IN_TEST"] = "1"  # expect: env_var_pollution


def load_tests(loader, tests, pattern):
    os.environ["LOAD_TESTS"] = "1"
    return tests


def exported():
    os.environ["EXPORTED"] = "1"  # expect: env_var_pollution


__all__ = ["exported"]


class Discovery:
    # A pattern that spells `main()` in a string is no reference to main.
    pattern = b"    main\\(\\)"


def also_by_main_and_test():
    os.environ["BOTH"] = "1"  # expect: env_var_pollution


def test_reaches_it():
    also_by_main_and_test()


if __name__ == "__main__":
    main()
    shared()
    handed_on()
    also_by_main_and_test()
    exported()
    unittest.main()
