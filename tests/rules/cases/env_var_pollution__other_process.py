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


def runner_setup():
    os.environ["RUNNER"] = "1"


def wrapped_child(env):
    os.environ.update(env)


def thread_setup():
    os.environ["THREAD_POOL"] = "1"  # expect: env_var_pollution


def test_task_runner_initializer(make_runner):
    make_runner(initializer=runner_setup)


def test_wrapped_target(cloudpickle_wrapped_call):
    process = multiprocessing.Process(target=cloudpickle_wrapped_call(wrapped_child, {"A": "1"}))
    process.start()


def test_thread_pool_initializer():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(initializer=thread_setup):
        pass


def set_fruit():
    os.environ["FRUIT"] = "apple"


def test_preexec_fn_runs_in_the_child():
    import subprocess

    subprocess.Popen(["env"], preexec_fn=lambda: os.putenv("FRUIT", "apple")).wait()
    subprocess.run(["env"], preexec_fn=set_fruit, check=True)


def test_a_lambda_called_here_runs_here():
    set_it = lambda: os.putenv("HERE", "1")  # expect: env_var_pollution
    set_it()
    callback(on_done=lambda: os.putenv("DONE", "1"))  # expect: env_var_pollution
