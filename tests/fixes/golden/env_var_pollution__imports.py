# runs with pytest
"""`import pytest` goes into the third-party section (for the annotation), and the `import os`
that nothing uses after the fix is removed."""
import os
import sys
from pathlib import Path

from golden_helpers import clear_env_var


def test_typed(tmp_path: Path) -> None:
    os.environ["ISOLINT_GOLDEN_TYPED"] = sys.platform
    assert clear_env_var
