from unittest.mock import patch


def test_uses_mocker(mocker):
    mocker.patch("app.other")
    fetch = patch("app.fetch").start()
    assert fetch


def test_module_function():
    store = patch.dict("os.environ", {"A": "1"}).start()
    assert store
