"""pytest's warnings plugin runs every test inside `warnings.catch_warnings()`, which puts
`warnings.filters` and `warnings.showwarning` back (twisted's `del warnings.filters[:]` before
asserting a filtered warning). Other attributes of `warnings` are not put back."""
import warnings


def test_clears_filters():
    del warnings.filters[:]
    warnings.filters.insert(0, ("ignore", None, Warning, None, 0))


def test_replaces_showwarning():
    warnings.showwarning = lambda *args, **kwargs: None


def test_other_attribute():
    warnings.defaultaction = "error"  # expect: module_state_pollution
