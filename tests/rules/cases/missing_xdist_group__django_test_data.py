# changed-state: Django's setUpTestData is the class's set-up, run once per class (Django's own
# suite: 101 classes reported for `cls.user = User.objects.create_user(...)` there).
from django.test import TestCase


class DateHierarchyTests(TestCase):  # quiet: setUpTestData binds, the tests only read
    @classmethod
    def setUpTestData(cls):
        cls.superuser = object()

    def test_a(self):
        assert self.superuser

    def test_b(self):
        assert self.superuser


class ChangesItsCopy(TestCase):  # quiet: each test gets a deep copy of what setUpTestData bound
    @classmethod
    def setUpTestData(cls):
        cls.user = object()
        cls.rows = []

    def test_a(self):
        self.rows.append(1)
        self.user.is_active = False

    def test_b(self):
        assert self.rows == []


class ChangesTheClass(TestCase):  # expect: missing_xdist_group
    @classmethod
    def setUpTestData(cls):
        cls.user = object()

    def test_a(self):
        ChangesTheClass.counter = 1  # a class attribute no set-up binds

    def test_b(self):
        assert getattr(ChangesTheClass, "counter", None) in (None, 1)


class SetUpClassStillCounts(TestCase):  # expect: missing_xdist_group
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rows = []

    def test_a(self):
        self.rows.append(1)

    def test_b(self):
        assert self.rows in ([], [1])
