"""Pattern 10: a function handed to another process changes that process's state."""
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Process


def child():
    os.environ["CHILD"] = "1"


def pool_setup():
    os.environ["POOL"] = "1"


def executor_setup():
    os.environ["EXECUTOR"] = "1"


def thread_body():
    os.environ["THREAD"] = "1"  # expect: env_var_pollution


def test_process():
    process = Process(target=child)
    process.start()
    process.join()


def test_pool():
    with multiprocessing.Pool(2, initializer=pool_setup) as pool:
        pool.map(len, ["a"])


def test_executor():
    with ProcessPoolExecutor(initializer=executor_setup) as executor:
        executor.submit(len, "a")


def test_thread_shares_the_process():
    thread = threading.Thread(target=thread_body)
    thread.start()
    thread.join()
