import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB_MODULES = ["flask", "flask_sqlalchemy", "sqlalchemy", "wtforms"]
# Imports every module of both pure packages, then lists the web modules that came along.
PROBE = f"""
import importlib, json, pkgutil, sys
import workflows, scoring
for package in (workflows, scoring):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
print(json.dumps(sorted(name for name in {WEB_MODULES!r} if name in sys.modules)))
"""


def run_probe(prelude: str = "") -> list[str]:
    result = subprocess.run([sys.executable, "-c", prelude + PROBE], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_workflows_and_scoring_import_no_web_framework():
    assert run_probe() == []


def test_purity_probe_detects_a_web_framework():
    assert run_probe(prelude="import wtforms\n") == ["wtforms"]
