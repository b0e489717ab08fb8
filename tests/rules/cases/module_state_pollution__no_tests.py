"""A module pytest collects that holds no test (gevent's test__threading_patched_local.py, a
script its own runner runs): no test reads what it leaves in its own containers. Imported state
still counts."""
import logging
import threading

success = []


def func():
    success.append(1)
    logging.raiseExceptions = False  # expect: module_state_pollution


thread = threading.Thread(target=func)
thread.start()
thread.join()
assert success == [1]
