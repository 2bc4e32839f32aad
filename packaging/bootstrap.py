#!/usr/bin/env python3
"""Set up FirstLoan CRM from a fresh clone and run it, or run its tests.

    python3 packaging/bootstrap.py run    # venv + dependencies + demo database, then the app
    python3 packaging/bootstrap.py test   # venv + dependencies, then the whole test suite
    python3 packaging/bootstrap.py bench  # venv + dependencies, then the benchmarks
    python3 packaging/bootstrap.py build  # venv + PyInstaller, then the app in dist/FirstLoanCRM

Idempotent: the virtual environment in .venv is reused, and dependencies are installed
again only when pyproject.toml changed. Uses nothing but the standard library, so it runs
on any Python >= 3.11 before anything is installed.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
STAMP = VENV / ".crm-installed"
DEMO_DB = ROOT / "demo-data" / "demo.db"
DEMO_PROSPECTS = "5000"
# Qt's xcb platform plugin needs these; a minimal Debian/Ubuntu lacks them.
QT_XCB_LIBS = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-shape": "libxcb-shape0",
    "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-image": "libxcb-image0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
    "GL": "libgl1",
}


def say(message: str) -> None:
    print(f"[bootstrap] {message}", flush=True)


def python_in_venv() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before the venv, on any python3
        sys.exit(f"FirstLoan CRM needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    python = python_in_venv()
    if not python.exists():
        say(f"creating virtual environment in {VENV}")
        try:
            venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
        except Exception as exc:  # Debian ships venv without ensurepip
            sys.exit(
                f"Could not create a virtual environment ({exc}).\n"
                "On Debian/Ubuntu: sudo apt-get install python3-venv"
            )
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        say("installing FirstLoan CRM and its dependencies (first run takes a few minutes)")
        pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
        subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "--quiet", "-e", f"{ROOT}[test]"], check=True)
        STAMP.write_text(wanted)
    compile_sources(python)
    return python


def compile_sources(python: Path) -> None:
    """Write the app's bytecode, as installing a wheel would.

    The package is installed editable, so its modules compile when first imported, and
    where PYTHONDONTWRITEBYTECODE is set (some CI and sandboxes) that happens again at every
    start: ~50 ms before the window opens. Only changed files are compiled again.
    """
    subprocess.run(
        [str(python), "-m", "compileall", "-q", "-j", "0", str(ROOT / "crm")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def missing_qt_libs() -> list[str]:
    if not sys.platform.startswith("linux"):
        return []
    return [pkg for lib, pkg in QT_XCB_LIBS.items() if ctypes.util.find_library(lib) is None]


def ensure_display_libs() -> None:
    """Install (as root) or name the system libraries Qt needs for a real window."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return
    missing = missing_qt_libs()
    if not missing:
        return
    line = "apt-get install -y " + " ".join(missing)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing the libraries Qt needs for a window: {' '.join(missing)}")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        if subprocess.run(line.split(), check=False).returncode == 0:
            return
    sys.exit(
        "Qt needs these system libraries to open a window: "
        + " ".join(missing)
        + f"\nInstall them with:\n    sudo {line}"
    )


def run_app(python: Path, extra: list[str]) -> int:
    ensure_display_libs()
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        sys.exit(
            "There is no display to open a window on (DISPLAY is not set). Run this on a "
            "desktop session, or over 'ssh -X'."
        )
    if not DEMO_DB.exists():
        say(f"building the demo database {DEMO_DB}")
        DEMO_DB.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "crm.cli",
                "demo",
                "--db",
                str(DEMO_DB),
                "--prospects",
                DEMO_PROSPECTS,
            ],
            check=True,
            cwd=ROOT,
        )
    env = dict(os.environ)
    server = start_local_head_office(python, env)
    try:
        return subprocess.call(
            [str(python), "-m", "crm.cli", "gui", "--db", str(DEMO_DB), *extra],
            cwd=ROOT,
            env=env,
        )
    finally:
        stop_local_head_office(server)


# -- the demo's local head office -------------------------------------------------------------

HO_DB = ROOT / "demo-data" / "headoffice.db"
HO_LOG = ROOT / "demo-data" / "headoffice.log"
HO_PORT = 8765
# Every demo user signs in with this password (the local head office serves loopback only).
DEMO_PASSWORD = "firstloan-demo"


def _free_port(preferred: int) -> int:
    import socket

    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free port on 127.0.0.1")


def _crm(python: Path, *args: str, env: dict[str, str], stdin: str | None = None) -> int:
    return subprocess.run(
        [str(python), "-m", "crm.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        check=False,
    ).returncode


def start_local_head_office(python: Path, env: dict[str, str]) -> subprocess.Popen[bytes] | None:
    """A head office on 127.0.0.1 seeded from the demo book (once), this computer registered
    with it (once), and the server running until the app exits. Sync then works out of the
    box; if anything here fails the app still starts, offline."""
    import time
    import urllib.request

    url_db = f"sqlite:///{HO_DB}"
    if not HO_DB.exists():
        say("setting up the local head office from the demo data (first run only)")
    # Idempotent: seeds only a head office that has no prospects yet.
    if (
        _crm(
            python,
            "headoffice",
            "init",
            "--db",
            url_db,
            "--seed-from",
            str(DEMO_DB),
            "--seed-password-stdin",
            "--json",
            env=env,
            stdin=DEMO_PASSWORD + "\n",
        )
        != 0
    ):
        say("the local head office could not be set up; the app starts offline")
        return None
    port = _free_port(HO_PORT)
    url = f"http://127.0.0.1:{port}"
    log = HO_LOG.open("ab")
    server = subprocess.Popen(
        [
            str(python),
            "-m",
            "crm.cli",
            "headoffice",
            "serve",
            "--db",
            url_db,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                break
        except OSError:
            if server.poll() is not None:
                say(f"the local head office stopped (see {HO_LOG}); the app starts offline")
                return None
            time.sleep(0.2)
    # No OS keyring on this machine (a bare Linux): the demo keeps its loopback token in a
    # file beside the demo database. Real deployments use the OS keyring.
    check = subprocess.run(
        [
            str(python),
            "-c",
            "import keyring,sys; "
            "sys.exit(type(keyring.get_keyring()).__module__.startswith('keyring.backends.fail'))",
        ],
        env=env,
        check=False,
    )
    if check.returncode != 0:
        env["PYTHON_KEYRING_BACKEND"] = "crm.sync.credentials.DemoFileKeyring"
        env["CRM_DEMO_KEYRING"] = str(ROOT / "demo-data" / "demo-keyring.json")
    say(f"local head office on {url} (every demo user's password: {DEMO_PASSWORD})")
    if (
        _crm(
            python,
            "sync",
            "--db",
            str(DEMO_DB),
            "--server",
            url,
            "--password-stdin",
            env=env,
            stdin=DEMO_PASSWORD + "\n",
        )
        != 0
    ):
        say("the first sync did not complete; the app will retry it")
    return server


def stop_local_head_office(server: subprocess.Popen[bytes] | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)


def run_tests(python: Path, extra: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1")
    return subprocess.call([str(python), "-m", "pytest", *extra], cwd=ROOT, env=env)


def run_benchmarks(python: Path, extra: list[str]) -> int:
    """Each tests/benchmarks/bench_*.py prints its figures beside a same-run baseline."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1")
    status = 0
    for script in sorted((ROOT / "tests" / "benchmarks").glob("bench_*.py")):
        if extra and not any(name in script.name for name in extra):
            continue
        say(f"running {script.relative_to(ROOT)}")
        status |= subprocess.call([str(python), str(script)], cwd=ROOT, env=env)
    return status


def build_app(python: Path, extra: list[str]) -> int:
    """This platform's one-folder app (packaging/pyinstaller/firstloan.spec) in dist/."""
    pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "-e", f"{ROOT}[test,freeze]"], check=True)
    spec = ROOT / "packaging" / "pyinstaller" / "firstloan.spec"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1")
    command = [str(python), "-m", "PyInstaller", str(spec), "--noconfirm", "--log-level=WARN"]
    command += ["--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build" / "pyinstaller")]
    return subprocess.call([*command, *extra], cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench", "build", "setup"}:
        print(__doc__)
        return 2
    python = ensure_venv()
    if argv[0] == "run":
        return run_app(python, argv[1:])
    if argv[0] == "test":
        return run_tests(python, argv[1:])
    if argv[0] == "bench":
        return run_benchmarks(python, argv[1:])
    if argv[0] == "build":
        return build_app(python, argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
