import sys


def test_insert(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))


def test_append(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))


def test_insert_elsewhere(tmp_path):
    sys.path.insert(1, str(tmp_path))  # stays: not at the front


def test_meta_path(finder):
    sys.meta_path.append(finder)  # stays: not sys.path
