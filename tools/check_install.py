"""Run by `make install-check` with the python of a venv that got `pip install .` from its own stock pip.

Imports every module of the installed package (an undeclared dependency fails here, not in a user's first run)
and answers one command on the sample articles, from a folder holding seeds/ as a new user would.
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    import newsdigest

    if "site-packages" not in Path(newsdigest.__file__).resolve().parts:
        print(f"install-check: newsdigest imported from the checkout ({newsdigest.__file__}), not the install")
        return 1
    for mod in pkgutil.walk_packages(newsdigest.__path__, "newsdigest."):
        if not mod.name.endswith(".__main__"):  # that one runs the CLI
            importlib.import_module(mod.name)
    script = Path(sys.executable).with_name("newsdigest")
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(REPO / "seeds", Path(tmp) / "seeds")
        done = subprocess.run(
            [str(script), "ask", "/deadline", "--as-of", "2020-09-14"], cwd=tmp, capture_output=True, text=True,
            timeout=120, check=False,
        )
    if done.returncode != 0 or "2020" not in done.stdout:
        print(f"install-check: `newsdigest ask /deadline` failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
        return 1
    print("install-check: stock-pip install imports every module and answers /deadline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
