"""A test module that collects one test: what it leaves in the module's own list no other
test reads (prefect's `test_flow_with_mapped_tasks.py`). Imported state still counts."""
import logging

names = []


def generate_name(parameters):
    names.append(parameters["n"])
    return names[-1]


def test_flow_with_mapped_tasks():
    generate_name({"n": 1})
    logging.raiseExceptions = False  # expect: module_state_pollution
    assert names == [1]
