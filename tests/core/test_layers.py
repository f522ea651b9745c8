"""The layers of docs/architecture.md, as `pyproject.toml` states them for import-linter."""

import pkgutil
import re
import tomllib
from pathlib import Path

import kefu

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"


def _layers() -> list[list[str]]:
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (contract,) = [c for c in contracts if c["id"] == "layers"]
    return [[name.strip("()") for name in re.split(r"\s*[|:]\s*", layer)] for layer in contract["layers"]]


def test_every_module_of_kefu_has_its_layer():
    """SYS (architecture, "Layers"): every app and entry point directly under ``kefu`` is named in the
    layers contract, so a new app fails here until it is given its place, and none is named twice."""
    named = [name for layer in _layers() for name in layer]
    assert len(named) == len(set(named)), named
    present = {f"kefu.{module.name}" for module in pkgutil.iter_modules(kefu.__path__)}
    assert present - set(named) == set(), "give these their layer in pyproject.toml"
    assert {"kefu.core", "kefu.workorders", "kefu.desk", "kefu.urls"} <= present


def test_the_engine_sits_below_the_federation_and_the_desk_above_both():
    """The work-order engine never imports federation code; the desk, an entry point, may import both."""
    order = {name: depth for depth, layer in enumerate(reversed(_layers())) for name in layer}
    assert order["kefu.core"] < order["kefu.customers"] < order["kefu.contacts"] < order["kefu.workorders"]
    assert order["kefu.workorders"] < order["kefu.federation"] < order["kefu.crosslevel"] < order["kefu.hub"]
    assert order["kefu.hub"] < order["kefu.desk"] < order["kefu.urls"]
