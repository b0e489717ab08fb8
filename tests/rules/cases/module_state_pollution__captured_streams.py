"""sys.stdout / sys.stderr: pytest's capturing puts them back after every test phase
(`SysCapture.suspend`), so the next test never sees a replacement (pytest's own
`test_capturing_modify_sysouterr_in_between`). Other attributes of `sys` still count."""
import io
import sys


def test_replaces_the_streams():
    sys.stdout = io.StringIO()
    sys.stderr = io.StringIO()
    sys.stdin = io.StringIO()  # expect: module_state_pollution
    sys.excepthook = print  # expect: module_state_pollution
