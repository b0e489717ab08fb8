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
