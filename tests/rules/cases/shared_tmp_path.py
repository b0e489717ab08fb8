import gzip
import io
import logging
import os
import os.path
import shutil
import socket
import sqlite3
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

OUTPUT = "/tmp/isolint-output.txt"
OUTPUT_DIR = Path("/tmp/isolint")
REPORT = OUTPUT_DIR / "report.json"
INPUT = "/etc/hosts"
RELATIVE = "data/out.txt"


def test_open_for_writing():
    open("/tmp/x", "w")  # expect: shared_tmp_path
    open("/tmp/x", "a")  # expect: shared_tmp_path
    open("/tmp/x", "x")  # expect: shared_tmp_path
    open("/tmp/x", "w+")  # expect: shared_tmp_path
    open("/tmp/x", "r+")  # expect: shared_tmp_path
    open("/tmp/x", mode="wb")  # expect: shared_tmp_path
    open(file="/tmp/x", mode="ab")  # expect: shared_tmp_path
    io.open("/tmp/x", "w")  # expect: shared_tmp_path
    gzip.open("/tmp/x.gz", "wt")  # expect: shared_tmp_path
    with open(OUTPUT, "w") as handle:  # expect: shared_tmp_path
        handle.write("x")


def test_path_methods():
    Path("/tmp/x").write_text("x")  # expect: shared_tmp_path
    Path("/tmp/x").write_bytes(b"x")  # expect: shared_tmp_path
    Path("/tmp/x").touch()  # expect: shared_tmp_path
    Path("/tmp/x").mkdir(exist_ok=True)  # expect: shared_tmp_path
    Path("/tmp/x").unlink(missing_ok=True)  # expect: shared_tmp_path
    Path("/tmp/x").rename("/tmp/y")  # expect: shared_tmp_path
    Path("/tmp/x").open("w")  # expect: shared_tmp_path
    (Path("/tmp") / "x").write_text("x")  # expect: shared_tmp_path
    REPORT.write_text("{}")  # expect: shared_tmp_path
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)  # expect: shared_tmp_path
    Path("/tmp").joinpath("a", "b").touch()  # expect: shared_tmp_path


def test_local_path_variables():
    target = Path("/tmp/local.txt")
    target.write_text("x")  # expect: shared_tmp_path
    name = os.path.join("/tmp", "joined.txt")
    open(name, "w")  # expect: shared_tmp_path


def test_os_functions():
    os.makedirs("/tmp/a/b", exist_ok=True)  # expect: shared_tmp_path
    os.mkdir("/tmp/a")  # expect: shared_tmp_path
    os.remove("/tmp/x")  # expect: shared_tmp_path
    os.unlink(OUTPUT)  # expect: shared_tmp_path
    os.rename("/tmp/x", "/tmp/y")  # expect: shared_tmp_path
    os.replace("relative", "/tmp/y")  # expect: shared_tmp_path
    os.open("/tmp/x", os.O_WRONLY | os.O_CREAT)  # expect: shared_tmp_path
    os.makedirs(os.path.join("/tmp", "joined"))  # expect: shared_tmp_path


def test_shutil_targets():
    shutil.copy("data.txt", "/tmp/data.txt")  # expect: shared_tmp_path
    shutil.copyfile("data.txt", dst="/tmp/data.txt")  # expect: shared_tmp_path
    shutil.copytree("data", "/tmp/data")  # expect: shared_tmp_path
    shutil.move("data.txt", "/tmp/moved.txt")  # expect: shared_tmp_path
    shutil.rmtree("/tmp/data")  # expect: shared_tmp_path


def test_other_writers(frame, figure):
    sqlite3.connect("/tmp/test.db")  # expect: shared_tmp_path
    logging.FileHandler("/tmp/test.log")  # expect: shared_tmp_path
    np.save("/tmp/array.npy", [1])  # expect: shared_tmp_path
    frame.to_csv("/tmp/frame.csv")  # expect: shared_tmp_path
    figure.savefig("/tmp/plot.png")  # expect: shared_tmp_path
    zipfile.ZipFile("/tmp/a.zip", "w")  # expect: shared_tmp_path
    tarfile.open("/tmp/a.tar.gz", "w:gz")  # expect: shared_tmp_path
    socket.socket(socket.AF_UNIX).bind("/tmp/app.sock")  # expect: shared_tmp_path


def test_shared_tempdir_with_fixed_name():
    open(os.path.join(tempfile.gettempdir(), "fixed.txt"), "w")  # expect: shared_tmp_path
    (Path(tempfile.gettempdir()) / "fixed").mkdir()  # expect: shared_tmp_path


def test_windows_paths():
    open("C:\\temp\\x.txt", "w")  # expect: shared_tmp_path
    Path("D:/data/out").mkdir()  # expect: shared_tmp_path


@pytest.fixture(scope="session")
def report_dir():
    os.makedirs("/var/tmp/reports", exist_ok=True)  # expect: shared_tmp_path
    return "/var/tmp/reports"


# ---- safe idioms: none of these may be reported ----------------------------------------


def test_tmp_path(tmp_path, tmp_path_factory, tmpdir):
    (tmp_path / "x").write_text("x")
    open(tmp_path / "y", "w")
    shutil.copy("data.txt", tmp_path)
    os.makedirs(tmp_path / "a")
    tmp_path_factory.mktemp("data").joinpath("x").write_text("x")
    tmpdir.join("x").write("x")
    target = tmp_path / "report.json"
    target.write_text("{}")


def test_tempfile_apis():
    directory = tempfile.mkdtemp(dir="/tmp")
    open(os.path.join(directory, "x"), "w")
    with tempfile.NamedTemporaryFile(dir="/tmp", mode="w") as handle:
        handle.write("x")
    tempfile.TemporaryDirectory(dir="/tmp")
    shutil.rmtree(directory)
    os.makedirs(tempfile.gettempdir(), exist_ok=True)


def test_reading_fixed_paths():
    open("/etc/hosts")
    open("/etc/hosts", "r")
    open("/etc/hosts", "rb")
    open(INPUT, mode="rt")
    Path("/etc/hosts").read_text()
    Path("/etc/hosts").open()
    Path("/etc/hosts").exists()
    tarfile.open("/data/a.tar.xz", "r:xz")
    zipfile.ZipFile("/data/a.zip")
    shutil.copy("/etc/hosts", "hosts.copy")


def test_dev_null():
    open("/dev/null", "w")
    open(os.devnull, "w")
    Path("/dev/null").write_text("x")


def test_relative_and_dynamic_paths(worker_id, tmp_path):
    open("relative.txt", "w")
    open(RELATIVE, "w")
    open(f"/tmp/out-{worker_id}.txt", "w")
    open("/tmp/out-" + worker_id, "w")
    os.makedirs(os.path.join("/tmp", worker_id))
    Path("/tmp", str(os.getpid())).mkdir()
    path = "/tmp/a"
    path = str(tmp_path / "a")
    open(path, "w")


def test_unrelated_methods(items, sock):
    items.remove("/tmp/x")
    items.save()
    sock.bind(("", 0))


def test_string_methods_named_like_path_methods(dist_name, dirpath):
    # regression (celery, kombu): str.replace is not Path.replace
    package = (dist_name + dirpath).replace("/", ".")
    assert package.replace("/", "\\")


def test_write_expected_to_raise(df):
    with pytest.raises(ValueError, match="storage_options"):
        df.to_parquet("/tmp/junk.parquet", storage_options={})


def test_write_before_the_raising_call_still_counts():
    with pytest.raises(ValueError):
        open("/tmp/written-first.txt", "w")  # expect: shared_tmp_path
        int("not a number")
