# whole scan: a fixed path only one test uses cannot collide within one xdist run
import os
import tempfile

import pytest

LOG = tempfile.gettempdir() + "/suite_debug.log"


def test_no_color():  # quiet: pip's test_no_color, the only test using these paths
    def get_run_output():
        try:
            with open("/tmp/pip-test-no-color.txt") as output_file:
                return output_file.read()
        finally:
            os.unlink("/tmp/pip-test-no-color.txt")
            os.unlink("/tmp/setuptools-62.0.0-py3-none-any.whl")

    assert get_run_output()


def test_writes_export():
    with open("/tmp/export.csv", "w") as out:  # expect: shared_tmp_path
        out.write("a,b\n")


def test_reads_export():  # reads what test_writes_export wrote: they share the path
    with open("/tmp/export.csv") as handle:
        assert handle.read()


@pytest.fixture(scope="session", autouse=True)
def environment():  # sentry-python's aws_lambda fixture: every worker opens the same log
    debug_log = open(LOG, "w")  # expect: shared_tmp_path
    yield
    debug_log.close()
