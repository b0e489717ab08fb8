import threading

import pytest
from pytest import mark

pytestmark = [mark.xdist_group(name="core_marked"), pytest.mark.filterwarnings("error")]  # expect: inert_xdist_group


class TestGroupedByModule:  # safe: the module-level pytestmark groups it
    def test_thread_start_is_not_a_patcher(self):
        worker = threading.Thread(target=lambda: None)
        worker.start()  # not a patcher: never patch_without_context
        worker.join()
