"""``python -m isolint``."""

from isolint.cli import main

raise SystemExit(main())
