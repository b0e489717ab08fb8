"""pytest loads `isolint.plugin` in every run where isolint is installed: it must stay cheap."""

import subprocess
import sys


def test_plugin_import_loads_no_other_isolint_module():
    code = (
        "import sys, isolint.plugin\n"
        "print(sorted(m for m in sys.modules if m.startswith('isolint')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['isolint', 'isolint.plugin']"


def test_public_api_is_still_importable():
    import isolint

    assert isolint.scan_source("def test_a():\n    pass\n").findings == ()
    assert isolint.Severity.HIGH > isolint.Severity.LOW
