# settings: {"setup_methods": ["before_each"], "teardown_methods": ["after_each"]}
"""A project's plugin calls `before_each` / `after_each` around each test
(`[tool.isolint] setup-methods` / `teardown-methods`)."""
import os


class TestWithProjectHooks:
    def before_each(self):
        os.environ["A"] = "1"
        self.addCleanup(os.environ.pop, "C")

    def after_each(self):
        os.environ.pop("A", None)
        os.environ["B"] = "restored"

    def test_sets(self):
        os.environ["C"] = "1"
        os.environ["D"] = "1"  # expect: env_var_pollution
