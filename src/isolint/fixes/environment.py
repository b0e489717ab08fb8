"""``env_var_pollution``: rewrite changes of ``os.environ`` into ``monkeypatch`` calls.

Where a fixture parameter can be added (see ``fixes.monkeypatch``), as a statement of its own:

==========================================  ==================================================
``os.environ[k] = v``                        ``monkeypatch.setenv(k, v)``
``os.environ[k] += v``                       ``monkeypatch.setenv(k, os.environ[k] + v)``
``del os.environ[k]``                        ``monkeypatch.delenv(k)``
``os.environ.pop(k)``                        ``monkeypatch.delenv(k)``
``os.environ.pop(k, default)``               ``monkeypatch.delenv(k, raising=False)``
``os.environ.setdefault(k, v)``              ``monkeypatch.setenv(k, os.environ.get(k, v))``
``os.environ.update({k: v, ...}, k2=v2)``    one ``monkeypatch.setenv`` per key
==========================================  ==================================================

and the function gets a ``monkeypatch`` parameter (where that is possible: see
``fixes.monkeypatch``). ``del`` and ``pop`` without a default keep raising ``KeyError`` for a
missing variable, as they did. A used return value, ``os.environb``, ``putenv``, ``clear``,
``popitem`` and ``|=`` stay reported.
"""

from __future__ import annotations

from isolint.fixes.monkeypatch import MappingFixer


class EnvFixer(MappingFixer):
    rule = "env_var_pollution"
    mapping = "os.environ"
    set_method = "setenv"
    del_method = "delenv"
