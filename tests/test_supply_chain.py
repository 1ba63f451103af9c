"""Supply-chain guards: exact pins, no compromised litellm, no unexpected start-up hooks."""

import hashlib
import re
import site
import sys
from importlib import metadata
from pathlib import Path

from tests.conftest import ROOT

COMPROMISED = re.compile(r"^1\.(82\.[78]|107\.)")
# .pth files run code at every interpreter start; litellm 1.82.8 shipped one to steal secrets.
EXPECTED_PTH = {"distutils-precedence.pth", "_maestro_tm.pth"}
# coverage's hook starts measurement in subprocesses and does nothing unless COVERAGE_PROCESS_START
# is set. It is allowed by content, not by name: a changed hook under the same name fails.
PINNED_PTH = {"a1_coverage.pth": "ef2ed06d19867ec669c09a804060666a9cd5e383af0a9d11aa2de79b77d448e8"}


def test_installed_litellm_is_not_a_compromised_release() -> None:
    version = metadata.version("litellm")
    assert not COMPROMISED.match(version), version


def test_lock_and_pyproject_never_admit_compromised_litellm() -> None:
    for name in ("requirements.lock", "pyproject.toml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        pins = re.findall(r"litellm\s*==\s*([0-9][0-9a-z.]*)", text)
        assert pins, f"{name} does not pin litellm"
        assert not [p for p in pins if COMPROMISED.match(p)], name


def test_every_lock_entry_is_pinned_with_hashes() -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    requirements = re.findall(r"^([A-Za-z0-9_.\-\[\]]+)(==)?", text, flags=re.M)
    assert requirements and all(op == "==" for _, op in requirements)
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[-1])
    assert all("--hash=sha256:" in b for b in blocks if "==" in b)


def test_pyproject_dependencies_are_exact_pins() -> None:
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = list(data["project"]["dependencies"])
    for group in data["dependency-groups"].values():
        deps += group
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", d) for d in deps), deps


def test_no_unexpected_pth_files_in_site_packages() -> None:
    dirs = {Path(p) for p in site.getsitepackages()} | {Path(site.getusersitepackages())}
    dirs |= {Path(p) for p in sys.path if p.endswith("site-packages")}
    hooks = [p for d in dirs if d.is_dir() for p in d.glob("*.pth")]
    found = {p.name for p in hooks}
    allowed = EXPECTED_PTH | set(PINNED_PTH)
    assert found <= allowed, f"unexpected start-up hooks: {sorted(found - allowed)}"
    for hook in hooks:
        if hook.name in PINNED_PTH:
            digest = hashlib.sha256(hook.read_bytes()).hexdigest()
            assert digest == PINNED_PTH[hook.name], f"{hook} changed: {digest}"
