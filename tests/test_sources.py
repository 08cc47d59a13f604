import socket
import threading
import time
import urllib.request

import pytest

from helpers import sources
from helpers.sources import Source, SourceUnavailable, download_guard


def test_offline_switch_refuses_before_touching_the_network(monkeypatch):
    monkeypatch.setenv("ACV_OFFLINE", "1")
    with pytest.raises(SourceUnavailable, match=r"https://example\.invalid/x.*ACV_DATA_DIR"):
        with download_guard("https://example.invalid/x", "Copy x into $ACV_DATA_DIR"):
            pytest.fail("the body must not run offline")


def test_a_stalled_server_gives_up_quickly_with_a_clear_error(monkeypatch):
    """A server that accepts and never answers must not hang the notebook."""
    monkeypatch.delenv("ACV_OFFLINE", raising=False)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    held = []
    threading.Thread(target=lambda: held.append(server.accept()), daemon=True).start()
    url = f"http://127.0.0.1:{port}/data.npz"
    started = time.perf_counter()
    with pytest.raises(SourceUnavailable) as info:
        with download_guard(url, "Copy data.npz into $ACV_DATA_DIR", timeout=0.5):
            urllib.request.urlopen(url).read()
    assert time.perf_counter() - started < 5
    message = str(info.value)
    assert url in message and "ACV_DATA_DIR" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__, "no urllib traceback attached"
    server.close()


def test_guard_restores_the_socket_timeout(monkeypatch):
    monkeypatch.setenv("ACV_OFFLINE", "0")
    before = socket.getdefaulttimeout()
    with download_guard("http://x", "hint", timeout=1.5):
        assert socket.getdefaulttimeout() == 1.5
    assert socket.getdefaulttimeout() == before


def test_guard_lets_other_errors_through(monkeypatch):
    monkeypatch.setenv("ACV_OFFLINE", "0")
    with pytest.raises(KeyError):
        with download_guard("http://x", "hint"):
            raise KeyError("not a network problem")


def test_a_standin_notice_says_why_and_what_it_means():
    src = Source("mnist", "standin", "digits", real=False, skipped=("no local copy", "no network"))
    text = src.notice()
    assert "STAND-IN" in text and "no local copy; no network" in text and "not comparable" in text
    assert "STAND-IN" not in Source("mnist", "local", "/d/mnist.npz", real=True).notice()


def test_relative_data_dir_is_taken_from_the_repository_root(monkeypatch, tmp_path):
    from helpers import sources

    root = __import__("pathlib").Path(sources.__file__).resolve().parents[1]
    monkeypatch.setenv("ACV_DATA_DIR", "../shared/data")
    monkeypatch.chdir(tmp_path)  # a kernel runs in notebooks/, not in the root
    assert sources.data_dir() == (root / "../shared/data").resolve()
    monkeypatch.setenv("ACV_DATA_DIR", str(tmp_path))
    assert sources.data_dir() == tmp_path


def test_a_data_dir_that_is_not_a_folder_is_named_in_every_standin_notice(monkeypatch, tmp_path):
    monkeypatch.setenv(sources.DATA_DIR_VAR, str(tmp_path / "acv-dta"))  # a typo
    problem = sources.data_dir_problem()
    assert "ACV_DATA_DIR is set to" in problem and "acv-dta" in problem and "no such folder" in problem
    notice = sources.Source("mnist", "standin", "digits", real=False, skipped=("no local copy",)).notice()
    assert "Check: $ACV_DATA_DIR is set to" in notice
    (tmp_path / "a-file").write_text("x")
    monkeypatch.setenv(sources.DATA_DIR_VAR, str(tmp_path / "a-file"))
    assert "a file, not a folder" in sources.data_dir_problem()
    monkeypatch.setenv(sources.DATA_DIR_VAR, str(tmp_path))
    assert sources.data_dir_problem() is None
    monkeypatch.delenv(sources.DATA_DIR_VAR)
    assert sources.data_dir_problem() is None
