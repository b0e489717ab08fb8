from app.config import settings

_CACHE = []


def test_restored_by_teardown_module():
    settings.DEBUG = True
    _CACHE.append(1)


def test_other_attribute_not_restored():
    settings.OTHER = True  # expect: module_state_pollution


def teardown_module():
    settings.DEBUG = False
    _CACHE.clear()
