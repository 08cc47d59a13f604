"""What a learner sees: every notebook run in JupyterLab in a real (headless) browser.

Starts JupyterLab from the project's environment on a free local port, opens each
notebook in headless Chromium (Debian's package, driven by Playwright), runs all
cells in the smoke profile offline, and fails on an error output, on stderr output
that is not on the allow-list below, or on a figure that does not render. A
screenshot of each whole notebook goes to build/screenshots/.

The notebooks run as a rehearsal (helpers.course.rehearsal: each data set cut to one batch,
one epoch per fit): this test is about what JupyterLab shows, every cell, figure and widget,
not about the numbers, which nbval checks in the smoke profile. It keeps the browser pass to
minutes instead of a third full smoke run in CI.

Needs Chromium and Playwright for Python: `.ci/run` installs both. Without them
the test is skipped, saying how to enable it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOTEBOOK_TIMEOUT_S = 600  # as nbval's cell timeout: this test checks that a notebook runs in JupyterLab, not how fast

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or sync_playwright is None,
    reason="no Chromium or Playwright here: 'apt-get install chromium' and "
           "'.venv/bin/pip install playwright' enable the browser test (.ci/run does both)",
)

# stderr a learner may see, each with the reason it is acceptable. Everything else fails the test.
ALLOWED_STDERR = [
    # (pattern, why it is fine)
]

# JupyterLab settings for the test's own settings folder: no news pop-up in the
# screenshots, and every cell kept in the page so that all outputs can be read.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of notebooks/; yields its base URL, token and folder.

    A copy, because JupyterLab saves what it runs: the repository's notebooks stay
    without outputs. The kernels still import helpers from this checkout, and the
    notebooks find data and build folders from the repository's root as usual.
    """
    home = tmp_path_factory.mktemp("lab")
    served = home / "served"
    shutil.copytree(ROOT / "notebooks", served / "notebooks")
    originals = {path: path.read_bytes() for path in NOTEBOOKS}
    for name, values in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = _free_port(), "acv-browser-test"
    env = {**os.environ, "ACV_PROFILE": "smoke", "ACV_REHEARSAL": "1", "ACV_OFFLINE": "1", "ACV_BUILD_DIR": "build/browser",
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    env.pop("ACV_DATA_DIR", None)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={served}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(home / 'server.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        yield base, token, served
        assert all(path.read_bytes() == data for path, data in originals.items()), "a repository notebook changed"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


def _run_all_cells(page) -> None:
    """Run > Run All Cells, as a learner would; again if the kernel was not ready to take it."""
    for _ in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        for _ in range(20):
            if any(p.strip() for p in _state(page)["prompts"]):  # queued "[*]:" or done "[1]:"
                return
            time.sleep(0.5)
    pytest.fail("Run All Cells did not start the notebook")


TRACEBACK = re.compile(r"^-{20,}$|Traceback \(most recent call last\)", re.M)


def _state(page) -> dict:
    """Prompts of the code cells, error and stderr outputs, and the state of every image.

    JupyterLab shows an exception's traceback as stderr too; "errors" are those.
    """
    state = page.evaluate("""() => {
        const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
        if (!panel) return {prompts: [], stderr: [], images: []};
        // textContent, not innerText: cells scrolled out of view render no innerText
        const text = sel => [...panel.querySelectorAll(sel)].map(e => e.textContent);
        return {
            prompts: text('.jp-Notebook .jp-CodeCell .jp-InputPrompt'),
            stderr: text('.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]'),
            images: [...panel.querySelectorAll('.jp-Notebook .jp-OutputArea-output img')]
                        .map(img => img.complete && img.naturalWidth > 0),
        };
    }""")
    state["errors"] = [text for text in state["stderr"] if TRACEBACK.search(text)]
    state["stderr"] = [text for text in state["stderr"] if not TRACEBACK.search(text)]
    return state


def _screenshot_whole_notebook(page, path: Path, max_height: int = 16_000) -> None:
    """A window tall enough to show the whole notebook at once (up to ``max_height`` pixels)."""
    height = page.evaluate("""() => Math.max(0, ...[...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer, .jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')]
        .map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": 1280, "height": min(max(height + 200, 800), max_height)})
    page.evaluate("""() => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer')
        .forEach(e => { e.scrollTop = 0; })""")  # from the title down
    page.wait_for_timeout(1000)  # let the panel lay itself out again
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))


def _finished(state: dict) -> bool:
    return bool(state["prompts"]) and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in state["prompts"])


def _unexpected(stderr: list[str]) -> list[str]:
    return [text for text in stderr if not any(re.search(pattern, text) for pattern, _ in ALLOWED_STDERR)]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_cleanly_in_jupyterlab(lab, browser, notebook):
    base, token, _ = lab
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    try:
        # A workspace of its own per notebook: JupyterLab would otherwise reopen the previous notebook too.
        page.goto(f"{base}/lab/workspaces/{notebook.stem}/tree/notebooks/{notebook.name}?reset&token={token}")
        page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=60_000)
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=60_000)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)  # the kernel is connected
        _run_all_cells(page)
        deadline = time.monotonic() + NOTEBOOK_TIMEOUT_S
        state = _state(page)
        while not _finished(state) and not state["errors"] and time.monotonic() < deadline:
            time.sleep(1)
            state = _state(page)
        _screenshot_whole_notebook(page, SHOTS / f"{notebook.stem}.png")
        assert not state["errors"], f"{notebook.name} shows an error:\n{state['errors'][0][-3000:]}"
        assert _finished(state), f"{notebook.name} did not finish within {NOTEBOOK_TIMEOUT_S} s: {state['prompts']}"
        assert not _unexpected(state["stderr"]), f"{notebook.name} prints stderr:\n" + "\n---\n".join(_unexpected(state["stderr"]))
        assert all(state["images"]), f"{notebook.name}: {state['images'].count(False)} figure(s) did not render"
    finally:
        page.close()
        for kernel in _get(f"{base}/api/kernels?token={token}"):
            request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
            urllib.request.urlopen(request, timeout=10).close()


def test_box_explorer_answers_a_slider_in_jupyterlab(lab, browser):
    """Moving a slider with the keyboard redraws the boxes and changes the numbers."""
    import nbformat

    base, token, served = lab
    folder = served / "scratch"
    folder.mkdir(exist_ok=True)
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})
    notebook.cells = [nbformat.v4.new_code_cell("import helpers\nfrom helpers import widgets\n\nwidgets.BoxExplorer()")]
    nbformat.write(notebook, folder / "box_explorer.ipynb")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{base}/lab/workspaces/box_explorer/tree/scratch/box_explorer.ipynb?reset&token={token}")
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
        _run_all_cells(page)
        readout = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-html-content").first
        readout.wait_for(timeout=60_000)
        figure = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-output img").first
        figure.wait_for(timeout=30_000)
        before, before_image = readout.text_content(), figure.get_attribute("src")
        page.screenshot(path=str(SHOTS / "box_explorer_before.png"))
        handle = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .noUi-handle").first  # "centre x"
        handle.click()
        for _ in range(20):
            handle.press("ArrowLeft")  # 20 steps of 0.01: the box moves left, onto the true box
        page.wait_for_function("([el, old]) => el.textContent !== old", arg=[readout.element_handle(), before],
                               timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(SHOTS / "box_explorer_after.png"))
        after = readout.text_content()
        assert after != before
        assert figure.get_attribute("src") != before_image, "the drawing should follow the slider"
        iou_before = float(re.search(r"IOU([+-]\d\.\d{3})", before.replace(" ", "")).group(1))
        iou_after = float(re.search(r"IOU([+-]\d\.\d{3})", after.replace(" ", "")).group(1))
        assert iou_before == 0 and iou_after > 0, (before, after)
    finally:
        page.close()


def test_a_wrong_iou_typed_into_the_exercise_gets_its_hint_in_jupyterlab(lab, browser):
    """A learner replaces 04's IoU stub with an answer that forgets to clip, runs the cell, reads the hint."""
    import nbformat

    base, token, served = lab
    source = nbformat.read(ROOT / "notebooks" / "04_object_localization.ipynb", as_version=4)
    stub = next(c.source for c in source.cells if "exercise" in c.metadata.get("tags", []) and '"04.iou"' in c.source)
    folder = served / "scratch"
    folder.mkdir(exist_ok=True)
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})
    notebook.cells = [nbformat.v4.new_code_cell("import helpers\nfrom helpers import exercises\n\nimport numpy as np"),
                      nbformat.v4.new_code_cell(stub)]
    nbformat.write(notebook, folder / "exercise.ipynb")
    wrong = ("def my_iou(a, b):\n"
             "    w = np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0])\n"
             "    h = np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1])\n"
             "    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])\n"
             "    return w * h / (area(a) + area(b) - w * h)\n"
             "\n"
             'exercises.check("04.iou", my_iou);')
    page = browser.new_page(viewport={"width": 1280, "height": 1200})
    try:
        page.goto(f"{base}/lab/workspaces/exercise/tree/scratch/exercise.ipynb?reset&token={token}")
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
        _run_all_cells(page)  # the stub as shipped: "not attempted yet"
        outputs = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
        page.get_by_text("not attempted yet").first.wait_for(timeout=120_000)
        editor = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .cm-content").nth(1)
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(wrong)  # as pasted: no auto-indent or bracket closing in the way
        page.keyboard.press("Shift+Enter")
        page.get_by_text("likely mistake: the overlap went negative").first.wait_for(timeout=60_000)
        page.screenshot(path=str(SHOTS / "exercise_04_iou_hint.png"))
        text = " ".join(outputs.all_text_contents())
        assert "FAIL  two boxes that do not touch" in text and "04.iou:" in text and "tests failed" in text, text
    finally:
        page.close()


# ----------------------------------------------------------------------------------------------
# The course site (tools/site.py), opened from the file system as a learner would after make run.

def _png() -> str:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture(scope="module")
def course_site(tmp_path_factory):
    """The site built from every notebook (each given one figure output, as an executed one has) and two
    records, one on real data; returns (index.html, {notebook: the number its results line must show})."""
    import nbformat

    from tools import site

    build = tmp_path_factory.mktemp("build")
    (build / "executed").mkdir()
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        first = next(c for c in nb.cells if c.cell_type == "code")
        first.outputs = [nbformat.v4.new_output("display_data", data={"image/png": _png(), "text/plain": "<Figure>"})]
        nbformat.write(nb, build / "executed" / path.name)
    (build / "metrics").mkdir()
    records = {"04_object_localization": ({"share_iou_ge_0_6": 0.6875, "course_model": {"share_iou_ge_0_6": 0.5}}, False),
               "05_bird_boxes": ({"share_iou_ge_0_5": 0.724, "constant_box": {"share_iou_ge_0_5": 0.568}}, True)}
    for notebook, (numbers, real) in records.items():
        record = {"notebook": notebook, "profile": "smoke", "numbers": numbers,
                  "sources": {"data": {"name": "data", "kind": "local" if real else "standin", "detail": "", "real": real}}}
        (build / "metrics" / f"{notebook}.json").write_text(json.dumps(record))
    old = os.environ.get("ACV_BUILD_DIR")
    os.environ["ACV_BUILD_DIR"] = str(build)
    try:
        index = site.build(build / "executed", build / "html", build / "site-src")
    finally:
        if old is None:
            os.environ.pop("ACV_BUILD_DIR")
        else:
            os.environ["ACV_BUILD_DIR"] = old
    shown = {"04_object_localization": "0.6875", "05_bird_boxes": "0.724"}
    return index, shown


def test_the_course_site_opens_from_the_file_system_with_every_lesson_search_and_results(course_site, browser):
    index, shown = course_site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(index.as_uri())
    assert "stand-ins in 1 of 2 notebooks" in page.locator("article").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "course_site.png"))
    lessons = page.locator(".sidebar-tree a[href*='notebooks/']")
    hrefs = [lessons.nth(i).get_attribute("href") for i in range(lessons.count())]
    assert [Path(h).stem for h in hrefs] == [p.stem for p in NOTEBOOKS], "every lesson, in order, in the sidebar"
    for href in hrefs:
        page.goto(index.parent.joinpath(href).as_uri())
        figure = page.locator("article img").first
        assert figure.evaluate("img => img.complete && img.naturalWidth > 0"), f"{href} shows no figure"
        assert page.locator("a.next-page, a.prev-page").count() >= 1, f"{href} has no previous/next link"
    page.goto(index.parent.joinpath("search.html").as_uri() + "?q=IoU")
    page.wait_for_function("document.querySelector('#search-results')?.innerText.includes('Search finished')",
                           timeout=20_000)
    assert "04 · Object localization" in page.locator("#search-results").inner_text()
    page.goto(index.parent.joinpath("results.html").as_uri())
    text = page.locator("article").inner_text()
    for notebook, number in shown.items():
        line = next(line for line in text.splitlines() if line.startswith(notebook))
        assert number in line, f"the results page shows {line!r} for {notebook}, whose record holds {number}"
    assert text.index("Our reference runs on real data") < text.index("This run")
    away = [url for url in requests if not url.startswith("file://")]
    assert not away, f"the site asked the network for {away[:3]}"
    page.close()
