"""Two tests share the module's own list: order matters, so the change counts."""
names = []


def test_first():
    names.append(1)  # expect: module_state_pollution


def test_second():
    assert not names
