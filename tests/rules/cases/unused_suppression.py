# settings: {"select": ["unused_suppression", "env_var_pollution"]}
import os


def test_unused(monkeypatch):
    monkeypatch.setenv("A", "1")  # noqa: ISO003  # expect: unused_suppression
    monkeypatch.setenv("A", "1")  # isolint: ignore[env_var_pollution]  # expect: unused_suppression
    monkeypatch.setenv("A", "1")  # isolint: ignore  # expect: unused_suppression
    os.environ["A"] = "1"  # isolint: ignore[env_var_pollution, ISO004]  # expect: unused_suppression
    os.environ["A"] = "1"  # noqa: sys_path_pollution  # expect: env_var_pollution, unused_suppression


# Safe: suppressions that silence a finding, and those that may be another tool's.
def test_used(monkeypatch):
    os.environ["A"] = "1"  # noqa: ISO003
    os.environ["A"] = "1"  # isolint: ignore[env_var_pollution]
    os.environ["A"] = "1"  # isolint: ignore
    monkeypatch.setenv("A", "1")  # noqa
    monkeypatch.setenv("A", "1")  # noqa: E501
    monkeypatch.setenv("A", "1")  # isolint: ignore[env_var_pollution, unused_suppression]
