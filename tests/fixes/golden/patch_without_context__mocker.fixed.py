def test_uses_mocker(mocker):
    mocker.patch("app.other")
    fetch = mocker.patch("app.fetch")
    assert fetch


def test_module_function(mocker):
    store = mocker.patch.dict("os.environ", {"A": "1"})
    assert store
