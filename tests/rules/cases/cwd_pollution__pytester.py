"""pytester (and the older testdir) put the working directory, sys.modules and sys.path back."""
import os
import sys


def test_with_pytester(pytester):
    os.chdir(pytester.path)
    sys.path.insert(0, str(pytester.path))
    sys.modules.pop("conftest", None)


def test_with_testdir(testdir):
    os.chdir(str(testdir.tmpdir))


def test_without(tmp_path):
    os.chdir(tmp_path)  # expect: cwd_pollution
