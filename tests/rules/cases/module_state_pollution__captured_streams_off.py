# settings: {"pytest": {"addopts": ["-p", "no:cacheprovider", "--capture", "no"]}}
"""With capturing off (`-s`, `--capture=no` in addopts) nothing puts the streams back."""
import io
import sys


def test_replaces_the_streams():
    sys.stdout = io.StringIO()  # expect: module_state_pollution
    sys.stderr = io.StringIO()  # expect: module_state_pollution
