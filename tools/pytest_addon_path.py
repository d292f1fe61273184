"""pytest plugin: the addon's files import as ``odoo.addons.travel_customer``
whatever the name of the checkout's folder.

pytest-odoo names a module after its addon's folder; the addon is linked in
.build/addons/ under its own name, but pytest follows the link to the
checkout (any name) when the session also collects tests from elsewhere
(Odoo's own, see tools/dev.py), and then fails to import the addon.
"""

from pathlib import Path

import _pytest.pathlib

ADDON = "travel_customer"
ROOT = Path(__file__).resolve().parent.parent
_resolve = _pytest.pathlib.resolve_pkg_root_and_module_name


def resolve_pkg_root_and_module_name(path, *, consider_namespace_packages=False):
    real = Path(path).resolve()
    if real.is_relative_to(ROOT) and real.suffix == ".py":
        parts = real.relative_to(ROOT).with_suffix("").parts
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        return ROOT.parent, ".".join(("odoo.addons", ADDON, *parts))
    return _resolve(path, consider_namespace_packages=consider_namespace_packages)


_pytest.pathlib.resolve_pkg_root_and_module_name = resolve_pkg_root_and_module_name
