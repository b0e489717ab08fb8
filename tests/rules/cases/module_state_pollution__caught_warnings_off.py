# settings: {"pytest": {"addopts": ["-p", "no:warnings"]}}
"""With pytest's warnings plugin off (`-p no:warnings` in addopts) nothing puts
`warnings.filters` back."""
import warnings


def test_clears_filters():
    del warnings.filters[:]  # expect: module_state_pollution
