"""Pattern 8: a test module's own globals rebound through `global` where every test that reads
them binds them first (sqlalchemy's `define_tables`)."""
users = addresses = None
shared = None
config = None


class TestUsers:
    @classmethod
    def define_tables(cls, metadata):
        global users, addresses
        users = ("users", metadata)
        addresses = ("addresses", metadata)

    def test_insert(self):
        assert users is not None
        assert addresses is not None


def make_shared():
    global shared
    shared = object()


def test_calls_the_binder():
    make_shared()
    assert shared


def setup_module():
    global config
    config = {"a": 1}


def test_reads_config():
    assert config["a"] == 1


leaked = None


def set_leaked():
    global leaked
    leaked = 1  # expect: module_state_pollution


def test_sets():
    set_leaked()


def test_reads_without_binding():
    assert leaked is None


anno = None
counter = 0


def test_binds_at_its_start():
    global anno
    anno = ("str", 50)
    assert anno[1] == 50


def test_also_binds_at_its_start():
    global anno
    anno = ("int", 1)
    assert anno


def test_increments():
    global counter
    counter += 1  # expect: module_state_pollution


# Bound before any read on every path: a `with` block runs, both branches of an `if` bind it
# or end (`raise`, `fail()`), reads in a nested function happen when it is called.
rows = None
Status = None
plugin = None


class TestRows:
    @classmethod
    def insert_data(cls, connection):
        global rows
        with connection.begin() as session:
            rows = ("p1", "p2")
            session.add(rows)

    def test_rows(self):
        def go():
            return list(rows)

        assert go()


def test_binds_in_every_branch(kind):
    global Status
    if kind.enum:

        class Status:
            DONE = "done"

    elif kind.literal:
        Status = ("to-do", "done")
    else:
        kind.fail()
    assert Status


def test_binds_after_a_nested_function_reading_it():
    global plugin

    def side_effect(url):
        return plugin

    plugin = side_effect
    assert plugin("x") is plugin


# Nothing reads it by name (a registry looks it up): each test binds it before it registers it.
dialect = None


def test_registers_a_dialect(registry):
    global dialect
    dialect = object
    registry.register("mock", __name__, "dialect")


def test_registers_another_dialect(registry):
    global dialect
    dialect = type
    registry.register("mock2", __name__, "dialect")


def test_exec_binds_it_in_the_module():
    for name in ("mysql", "sqlite"):
        exec(f"import {name}\ndialect = {name}", globals())
        assert dialect


# A helper of a class whose set-up binds the global reads it after the set-up ran.
metadata = None


class TestOrdering:
    def setup_method(self):
        global metadata
        metadata = {}

    def _setup(self):
        global metadata
        metadata["slides"] = 1

    def test_append(self):
        self._setup()
        assert metadata


# Still findings: a path that reads it unbound, a sibling test that binds it, a loop that may
# not run.
maybe = None
shared_by_tests = None
looped = None


def test_binds_on_one_branch_only(flag):
    global maybe
    if flag:
        maybe = 1  # expect: module_state_pollution
    assert maybe


class TestSiblings:
    def test_binds(self):
        global shared_by_tests
        shared_by_tests = 1  # expect: module_state_pollution
        assert shared_by_tests

    def test_reads(self):
        assert shared_by_tests == 1


def test_binds_in_a_loop(items):
    global looped
    for item in items:
        looped = item  # expect: module_state_pollution
    assert looped
