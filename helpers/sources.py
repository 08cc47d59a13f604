"""Where data and weights came from, and downloads that fail fast.

Every loader in ``helpers.data`` and ``helpers.weights`` returns a ``Source``
next to what it loaded, so a notebook can say plainly whether its numbers come
from the real data set (or real pretrained weights) or from a stand-in.
"""

from __future__ import annotations

import os
import socket
import urllib.error
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the repository; relative settings are taken from here
DATA_DIR_VAR = "ACV_DATA_DIR"
OFFLINE_VAR = "ACV_OFFLINE"  # "1": never try the network, use local files and caches only
NET_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Source:
    """Where one data set or one set of weights came from.

    name:    what was loaded ("mnist", "ResNet50 weights")
    kind:    "local" (ACV_DATA_DIR), "keras" (Keras cache or download),
             "download", "imagenet", "random" or "standin"
    detail:  the path, URL or description of what was used
    real:    False for stand-ins and random weights: the numbers then show
             that the code runs, not what the course measured
    skipped: why earlier sources in the order were not used
    """

    name: str
    kind: str
    detail: str
    real: bool
    skipped: tuple[str, ...] = field(default_factory=tuple)

    def notice(self) -> str:
        """One paragraph for the learner: what was used and what it means."""
        if self.real:
            return f"{self.name}: {self.kind} source, {self.detail}."
        why = "; ".join(self.skipped) if self.skipped else "requested explicitly"
        if data_dir_problem():
            why += f".\n  Check: {data_dir_problem()}"
        return (
            f"NOTICE {self.name}: using a STAND-IN ({self.kind}: {self.detail}).\n"
            f"  Why: {why}.\n"
            f"  The code path is the same, but the numbers below are not comparable "
            f"with the course's. For the real thing see notebooks/00_setup_check.ipynb "
            f"(${DATA_DIR_VAR} or the Keras cache)."
        )

    def as_dict(self) -> dict:
        out = asdict(self)
        out["skipped"] = list(self.skipped)
        return out


class SourceUnavailable(RuntimeError):
    """A requested source (a download, a local folder) cannot be used."""


def data_dir() -> Path | None:
    """The folder named by ``$ACV_DATA_DIR``, or None when it is unset.

    A relative path is taken from the repository's root, so that
    ``ACV_DATA_DIR=../shared/data`` means the same folder to a notebook's kernel
    (which runs in ``notebooks/``) as to the shell that started it.
    """
    value = os.environ.get(DATA_DIR_VAR, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else (ROOT / path).resolve()


def data_dir_problem() -> str | None:
    """A sentence naming ``$ACV_DATA_DIR`` when it is set to something that is not a folder
    (a typo, an unmounted disk); None when it is unset or a folder."""
    path = data_dir()
    if path is None or path.is_dir():
        return None
    what = "a file, not a folder" if path.exists() else "nothing: no such folder"
    return (f"${DATA_DIR_VAR} is set to {os.environ[DATA_DIR_VAR].strip()!r} ({path}), which is {what}; "
            f"no local copy can be read from it")


def keras_home() -> Path:
    """Where Keras caches downloads: ``$KERAS_HOME``, else ``~/.keras``."""
    return Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser()


def offline() -> bool:
    """True when ``$ACV_OFFLINE`` asks never to touch the network."""
    return os.environ.get(OFFLINE_VAR, "").strip().lower() in {"1", "true", "yes"}


def _is_network_error(exc: BaseException) -> bool:
    # Keras's get_file re-raises URL errors as a bare Exception with this text.
    if str(exc).startswith("URL fetch failure"):
        return True
    return isinstance(exc, (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, socket.gaierror))


def reachable(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds.

    For downloaders that retry with back-off (TensorFlow Datasets does), a quick
    probe first keeps an offline machine from waiting minutes for the same answer.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@contextmanager
def download_guard(url: str, alternative: str, timeout: float = NET_TIMEOUT_S):
    """Run a download with a socket timeout; turn network errors into one clear error.

    Inside the block a stalled connection gives up after ``timeout`` seconds
    instead of hanging, and any network failure becomes ``SourceUnavailable``
    naming ``url`` and what the learner can do instead (``alternative``),
    without the urllib traceback.
    """
    if offline():
        raise SourceUnavailable(f"not downloading {url}: ${OFFLINE_VAR} is set. {alternative}")
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - narrowed by _is_network_error
        if not _is_network_error(exc):
            raise
        reason = str(exc).split(" -- ")[-1]
        raise SourceUnavailable(f"could not download {url} ({reason}). {alternative}") from None
    finally:
        socket.setdefaulttimeout(previous)
