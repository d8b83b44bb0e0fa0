"""The package's layout: imports point down the flow only, and the lower steps stay light."""

import ast
import subprocess
import sys
from pathlib import Path

import batikgen

PACKAGE = Path(batikgen.__file__).parent

#: Each step may import the steps after it in this list (and itself), never one before it
#: (cli -> pipeline -> render -> cloth -> mapping -> motifs -> signal -> the small shared modules).
#: Packages that other branches add (exhibition, gallery, service) sit between cli and pipeline.
FLOW = ["cli", "service", "gallery", "exhibition", "pipeline", "render", "cloth", "mapping", "motifs", "signal",
        "shared"]


def _step(module: str) -> str:
    part = module.split(".")[1] if module.count(".") else "shared"
    return part if part in FLOW else "shared"


def _imports(path: Path) -> set[str]:
    """Every batikgen module that ``path`` imports (relative imports resolved), without the
    imports made only for type checking."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "batikgen" or name.startswith("batikgen.")}


def _upward_imports() -> dict[str, list[str]]:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if module == "batikgen.__init__":
            continue  # the public API re-exports every step, lazily
        here = FLOW.index(_step(module))
        bad = sorted(t for t in _imports(path) if t != "batikgen" and FLOW.index(_step(t)) < here)
        if bad:
            offenders[module] = bad
    return offenders


def test_imports_point_down_the_flow():
    assert _upward_imports() == {}


def test_the_import_check_can_fail():
    assert _step("batikgen.render.png") == "render" and _step("batikgen.files") == "shared"
    fake = PACKAGE / "motifs" / "_layout_probe.py"
    fake.write_text("from ..render.raster import render_array\n", encoding="utf-8")
    try:
        assert _upward_imports() == {"batikgen.motifs._layout_probe": ["batikgen.render.raster"]}
    finally:
        fake.unlink()


def test_importing_the_motifs_loads_neither_skia_nor_the_signal_stage():
    code = ("import sys, batikgen.motifs as m; m.MOTIFS['kawung']; "
            "print(sorted(k for k in sys.modules if k.split('.')[0] in ('skia', 'mne', 'click') "
            "or k.startswith(('batikgen.signal', 'batikgen.render', 'batikgen.pipeline'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stdout


def test_the_command_line_and_a_batch_coordinator_start_without_the_pipeline():
    """`batikgen --version` and a batch re-run with nothing to do must not pay seconds of imports
    (MNE, scipy.signal): commands load lazily, and the pipeline is imported where a piece renders."""
    code = ("import sys\n"
            "from batikgen.cli import main\n"
            "main.get_command(None, 'batch')\n"
            "import batikgen.exhibition.runner, batikgen.exhibition.manifest as m\n"
            "m.load_manifest('gallery/exhibition.toml')\n"
            "print(sorted(k for k in sys.modules if k.split('.')[0] == 'mne' "
            "or k.startswith(('scipy.signal', 'batikgen.signal.features', 'batikgen.pipeline'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == "[]", result.stdout
