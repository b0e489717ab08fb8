"""Resets and writes no later test sees: emptying a list that starts empty (`del X[:]`,
`X[:] = []`, as `.clear()`), a lazy memo filled while it is still None, a global nothing reads."""
import platform
import weakref

CREATED = []
SEEN = ["default"]
_has_feature = None
_counter = 0
ref_from_del = None
LAST = None


def has_feature():
    global _has_feature
    if _has_feature is None:
        _has_feature = platform.machine() == "x86_64"
    return _has_feature


def bump():
    global _counter
    if _counter is not None:
        _counter = _counter + 1  # expect: module_state_pollution
    return _counter


def test_records():
    CREATED.append(1)  # expect: module_state_pollution
    SEEN.append("x")  # expect: module_state_pollution
    assert has_feature() in (True, False)


def test_empties():
    del CREATED[:]
    CREATED[:] = []
    del SEEN[:]  # expect: module_state_pollution
    del CREATED[1:]  # expect: module_state_pollution


def test_weakref_in_del():
    class Target:
        def __del__(self):
            global ref_from_del
            ref_from_del = weakref.ref(self)

    Target()


def test_sets_last():
    global LAST
    LAST = "x"  # expect: module_state_pollution


def test_reads_last():
    assert LAST is None
