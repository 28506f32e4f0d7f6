"""The kernel notebooks record, and a real JupyterLab opening them unchanged.

The JupyterLab test starts ``jupyter lab`` from this environment on
127.0.0.1 with an autosave interval of one second, opens published
notebooks and a source driver in headless Chromium, waits past several
autosaves and checks that no file changed and no checkpoint folder
appeared.  A notebook that records another kernel display name is opened
alongside and must turn dirty: the check can fail.  Screenshots of the lab
are saved in ``outputs/browser/``.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from evaluation import config
from evaluation.run.kernelinfo import installed_kernel, record_installed_kernel

PAIR = "opfoelgning-2019_vs_slutmaaling-2018"
SCREENSHOTS = config.OUTPUTS_DIR / "browser"
AUTOSAVE_SECONDS = 1
SOURCES = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


# ------------------------------------------------------------ the metadata
def test_installed_kernel_is_what_a_started_kernel_reports():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        reply = kc.kernel_info(reply=True, timeout=60)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert installed_kernel()["language_info"] == reply["content"]["language_info"]
    spec = km.kernel_spec
    assert installed_kernel()["kernelspec"] == {"name": "python3", "display_name": spec.display_name,
                                                "language": spec.language}


def test_record_replaces_what_a_notebook_had():
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"},
                                            "language_info": {"name": "python"}})
    record_installed_kernel(nb)
    assert nb.metadata.kernelspec == installed_kernel()["kernelspec"]
    assert nb.metadata.kernelspec.display_name != "Python 3"
    assert nb.metadata.language_info == installed_kernel()["language_info"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_source_drivers_record_the_installed_kernel(path):
    metadata = nbformat.read(path, as_version=4).metadata
    wanted = installed_kernel()
    assert metadata.kernelspec == wanted["kernelspec"]
    # The version is that of the Python the drivers were saved with; on another
    # Python JupyterLab updates it (the lab test below checks the drivers only then).
    assert {k: v for k, v in metadata.language_info.items() if k != "version"} == \
        {k: v for k, v in wanted["language_info"].items() if k != "version"}


def test_executed_notebooks_record_the_installed_kernel(bundled_run):
    wanted = installed_kernel()
    for path in sorted((bundled_run / "notebooks").glob("*.ipynb")):
        metadata = nbformat.read(path, as_version=4).metadata
        assert (metadata.kernelspec, metadata.language_info) == (wanted["kernelspec"], wanted["language_info"]), path


# ------------------------------------------------------- a real JupyterLab
def _make_lab_arguments() -> list[str]:
    """The arguments ``make lab`` gives ``jupyter lab`` (its LAB_ARGS)."""
    makefile = (config.PROJECT_ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(line for line in makefile.splitlines() if line.startswith("LAB_ARGS :="))
    return line.split(":=", 1)[1].split()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _lab_root(tmp: Path, bundled_run: Path) -> tuple[Path, dict[str, str]]:
    """A project-like root: ``notebooks/`` (a source driver) and ``outputs/<pair>`` (the publication),
    plus a notebook that records another kernel display name (it must turn dirty)."""
    root = tmp / "project"
    shutil.copytree(bundled_run, root / "outputs" / PAIR)  # copy2: the read-only modes come along
    (root / "notebooks").mkdir()
    shutil.copy2(config.NOTEBOOKS_DIR / "04_parameter.ipynb", root / "notebooks" / "04_parameter.ipynb")
    stale = nbformat.read(bundled_run / "notebooks" / "06_centret.ipynb", as_version=4)
    # What executed notebooks and drivers recorded before: papermill's display name, a bare language_info.
    stale.metadata.kernelspec.display_name = "Python 3"
    stale.metadata.language_info = {"name": "python"}
    (root / "scratch").mkdir()
    (root / "scratch" / "stale.ipynb").write_text(nbformat.writes(stale) + "\n", encoding="utf-8")
    return root, {
        "published": f"outputs/{PAIR}/notebooks/02_konklusion.ipynb",
        "published_item": f"outputs/{PAIR}/notebooks/04_parameter-kompetencer.ipynb",
        "source": "notebooks/04_parameter.ipynb",
        "stale": "scratch/stale.ipynb",
    }


@pytest.fixture(scope="module")
def lab(tmp_path_factory, bundled_run):
    """``jupyter lab`` on 127.0.0.1, serving a project-like root; yields (url, token, root, notebooks)."""
    if not shutil.which("jupyter", path=str(Path(sys.executable).parent)):
        pytest.skip("jupyter lab is not installed in this environment")
    tmp = tmp_path_factory.mktemp("lab")
    root, notebooks = _lab_root(tmp, bundled_run)
    settings = tmp / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosaveInterval": AUTOSAVE_SECONDS}))
    port, token = _free_port(), "evaluation-test"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "IPYTHONDIR": str(tmp / "ipython"), "MPLBACKEND": "Agg"}
    log = open(tmp / "lab.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", *_make_lab_arguments(), "--no-browser",
         "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--LabApp.user_settings_dir={tmp / 'settings'}",
         f"--LabApp.workspaces_dir={tmp / 'workspaces'}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not start: {(tmp / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.3)
        yield url, token, root, notebooks
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _local_only(route):
    if route.request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
        route.continue_()
    else:
        route.abort("blockedbyclient")


@pytest.fixture(scope="module")
def opened(lab):
    """Open every notebook of the lab fixture in its own tab, wait past several autosaves;
    return (files before, files after, dirty flag per notebook, screenshot path)."""
    from evaluation.memo.browser import BrowserError, find_chromium, open_browser

    if find_chromium() is None:
        pytest.skip("no Chromium found (apt-get install chromium)")
    url, token, root, notebooks = lab
    before = _snapshot(root)
    dirty = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "lab-published-notebook.png"
    try:
        with open_browser() as browser:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.route("**/*", _local_only)
            pages = {}
            for key, rel in notebooks.items():
                page = context.new_page()
                page.set_default_timeout(90_000)
                page.goto(f"{url}/lab/tree/{rel}?token={token}")
                page.wait_for_selector(".jp-Notebook .jp-Cell")
                # The kernel has started and answered kernel_info when the status bar shows it idle.
                page.wait_for_function("() => /[|] Idle/.test(document.querySelector('.jp-StatusBar-Widget')"
                                       " ? document.body.innerText : '')", timeout=180_000)
                pages[key] = page
            time.sleep(AUTOSAVE_SECONDS * 6)
            for key, page in pages.items():
                dirty[key] = page.evaluate(
                    "() => !!document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty, "
                    ".jp-Document.jp-mod-dirty, .lm-TabBar-tab.jp-mod-dirty')")
            pages["published"].bring_to_front()
            pages["published"].screenshot(path=str(shot))
            pages["stale"].screenshot(path=str(SCREENSHOTS / "lab-stale-notebook.png"))
            context.close()
    except BrowserError as exc:
        pytest.skip(f"Chromium does not start: {exc}")
    return before, _snapshot(root), dirty, shot


def test_the_lab_serves_the_publication(lab):
    url, token, _, _ = lab
    for rel in ("memo.html", "index.html", "notebooks/02_konklusion.ipynb", "notebooks/02_konklusion.html"):
        with urllib.request.urlopen(f"{url}/api/contents/outputs/{PAIR}/{rel}?content=0&token={token}") as r:
            assert r.status == 200, rel
            assert json.loads(r.read())["path"] == f"outputs/{PAIR}/{rel}"
        with urllib.request.urlopen(f"{url}/files/outputs/{PAIR}/{rel}?token={token}") as r:
            assert r.status == 200 and r.read(), rel


def test_a_notebook_with_another_kernel_name_turns_dirty(opened):
    """The check below can fail: JupyterLab does rewrite what does not match its kernel."""
    before, after, dirty, _ = opened
    # Marked dirty, then rewritten by autosave (which clears the mark).
    assert before["scratch/stale.ipynb"] != after.get("scratch/stale.ipynb")
    assert any(k.startswith("scratch/.ipynb_checkpoints/") for k in after)


def test_the_lab_opens_published_files_read_only(lab):
    url, token, _, _ = lab
    for rel, writable in ((f"outputs/{PAIR}/notebooks/02_konklusion.ipynb", False), ("scratch/stale.ipynb", True)):
        with urllib.request.urlopen(f"{url}/api/contents/{rel}?content=0&token={token}") as r:
            assert json.loads(r.read())["writable"] is writable, rel
    request = urllib.request.Request(f"{url}/api/contents/outputs/{PAIR}/index.html?token={token}", method="PUT",
                                     data=json.dumps({"type": "file", "format": "text", "content": "x"}).encode())
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403


def test_opening_published_notebooks_changes_nothing(opened):
    before, after, dirty, shot = opened
    assert not dirty["published"] and not dirty["published_item"]
    publication = {k: v for k, v in before.items() if k.startswith("outputs/")}
    assert {k: v for k, v in after.items() if k.startswith("outputs/")} == publication
    assert not [k for k in after if ".ipynb_checkpoints" in k and k.startswith("outputs/")]
    assert shot.stat().st_size > 10_000


def test_opening_a_source_driver_changes_nothing(opened):
    before, after, dirty, _ = opened
    recorded = nbformat.read(config.NOTEBOOKS_DIR / "04_parameter.ipynb", as_version=4).metadata.language_info
    if recorded.get("version") != installed_kernel()["language_info"]["version"]:
        pytest.skip(f"the drivers record Python {recorded.get('version')}; this kernel runs another, "
                    "which JupyterLab writes into them")
    assert not dirty["source"]
    assert after["notebooks/04_parameter.ipynb"] == before["notebooks/04_parameter.ipynb"]
    # A driver is meant to be edited, so it opens writable and JupyterLab keeps a
    # checkpoint beside it (.ipynb_checkpoints/ is ignored by git).
    assert ".ipynb_checkpoints/" in (config.PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_make_lab_opens_the_project_root():
    """From the root both notebooks/ and outputs/ are reachable."""
    makefile = (config.PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/jupyter lab $(LAB_ARGS)" in makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "--ServerApp.root_dir=." in _make_lab_arguments()
