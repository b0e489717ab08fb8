"""isolint's version, importable without the package's face (the cache keys on it)."""

__version__ = "0.1.0"
