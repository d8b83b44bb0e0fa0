"""Errors, validation, seeding, atomic writes, and the ban on global random state."""

import ast
import random
from pathlib import Path

import numpy as np
import pytest

import batikgen
from batikgen._validate import check_choice, check_in_range, check_positive, format_size, parse_size
from batikgen.errors import BatikgenError, OutputExistsError, ParameterError
from batikgen.files import atomic_write, write_bytes_atomic
from batikgen.seeding import SeedTree

PACKAGE = Path(batikgen.__file__).parent

# numpy.random names that do not touch the global state.
_NP_RANDOM_ALLOWED = {"default_rng", "Generator", "SeedSequence", "PCG64", "PCG64DXSM", "BitGenerator", "Philox", "SFC64"}
# The random module's global functions (random.Random instances are fine).
_RANDOM_GLOBALS = {"random", "seed", "randint", "randrange", "choice", "choices", "shuffle", "sample",
                   "uniform", "gauss", "normalvariate", "getrandbits", "triangular", "betavariate"}


def _global_random_uses(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            chain, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name):
                chain.append(inner.id)
            dotted = ".".join(reversed(chain))
            for prefix in ("np.random.", "numpy.random."):
                if dotted.startswith(prefix) and dotted[len(prefix):].split(".")[0] not in _NP_RANDOM_ALLOWED:
                    found.append(dotted)
            if dotted.startswith("random.") and dotted.split(".")[1] in _RANDOM_GLOBALS:
                found.append(dotted)
        if isinstance(node, ast.ImportFrom) and node.module in ("random", "numpy.random"):
            names = {alias.name for alias in node.names}
            bad = names & _RANDOM_GLOBALS if node.module == "random" else names - _NP_RANDOM_ALLOWED
            found.extend(f"from {node.module} import {name}" for name in sorted(bad))
    return found


def test_scanner_catches_global_random_state():
    """The scan itself must be able to fail."""
    bad = "import numpy as np\nimport random\nnp.random.seed(1)\nx = np.random.rand(3)\nrandom.shuffle(x)\n"
    assert _global_random_uses(bad) == ["np.random.seed", "np.random.rand", "random.shuffle"]
    assert _global_random_uses("from numpy.random import rand\n") == ["from numpy.random import rand"]
    assert _global_random_uses("rng = np.random.default_rng(1)\nrng.random()\n") == []


def test_package_uses_no_global_random_state():
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        uses = _global_random_uses(path.read_text(encoding="utf-8"))
        if uses:
            offenders[str(path.relative_to(PACKAGE))] = uses
    assert offenders == {}


def test_pipeline_leaves_global_random_state_untouched(sample_path, tmp_path):
    np.random.seed(12345)
    random.seed(12345)
    numpy_state, python_state = np.random.get_state(), random.getstate()
    batikgen.render_recording(sample_path, tmp_path, dpi=10)
    after = np.random.get_state()
    assert all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b for a, b in zip(numpy_state, after))
    assert random.getstate() == python_state


def test_errors_share_one_root():
    for name in ("ParameterError", "RecordingError", "FeatureError", "PatternError", "RenderError"):
        assert issubclass(getattr(batikgen.errors, name), BatikgenError)


def test_validation_messages_name_parameter_bounds_and_value():
    with pytest.raises(ParameterError, match=r"fullness must be in \[0.3, 1\] fraction; got 1.5"):
        check_in_range("fullness", 1.5, 0.3, 1.0, "fraction")
    with pytest.raises(ParameterError, match="dpi must be a positive number; got -3"):
        check_positive("dpi", -3)
    with pytest.raises(ParameterError, match="palette must be one of a, b; got 'c'"):
        check_choice("palette", "c", ["a", "b"])
    with pytest.raises(ParameterError, match="got nan"):
        check_in_range("x", float("nan"), 0, 1)
    assert check_in_range("x", 0.5, 0, 1) == 0.5


def test_one_size_parser_reads_decimal_and_binary_units_the_same_everywhere():
    # The batch's memory limit and the service's upload limit once read "1G" differently.
    assert parse_size("s", "500MB") == 500 * 10**6
    assert parse_size("s", "1.5GB") == 1_500_000_000
    assert parse_size("s", "512MiB") == parse_size("s", "512M") == 512 * 2**20
    assert parse_size("s", "4G") == parse_size("s", "4 GiB") == 4 * 2**30
    assert parse_size("s", 2000) == 2000
    for size in (768 * 2**20, 3 * 2**30, 2**40):
        assert parse_size("s", format_size(size)) == size
    with pytest.raises(ParameterError, match=r"memory limit must be a size such as .*got 'lots'"):
        parse_size("memory limit", "lots")
    with pytest.raises(ParameterError, match=r"must be at least 64.0MiB; got '1M'"):
        parse_size("memory limit", "1M", minimum=64 * 2**20)


def test_seed_tree_is_deterministic_and_named():
    a, b = SeedTree("recording-hash"), SeedTree("recording-hash")
    assert np.array_equal(a.rng("crackle").random(5), b.rng("crackle").random(5))
    # Streams are independent of each other and of call order.
    first = a.rng("palette").random()
    a.rng("something-else").random(100)
    assert a.rng("palette").random() == first
    assert a.rng("crackle").random() != a.rng("palette").random()
    assert SeedTree("other").rng("crackle").random() != a.rng("crackle").random()
    assert a.child("row-3").integer("x") == SeedTree("recording-hash/row-3").integer("x")
    assert 0 <= a.integer("plan") < 2**63


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.bin"
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write(b"half")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_refuses_to_overwrite_unless_asked(tmp_path):
    target = write_bytes_atomic(tmp_path / "a.txt", b"one")
    with pytest.raises(OutputExistsError, match="already exists$"):
        write_bytes_atomic(target, b"two")
    write_bytes_atomic(target, b"two", overwrite=True)
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def _core_raises() -> list[tuple[str, ast.Raise]]:
    """Every ``raise`` in the library outside the command line, with its file."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                found.append((str(path.relative_to(PACKAGE)), node))
    return found


def test_library_messages_name_no_command_line_flag():
    """Flags are the CLI's words (it adds '; pass --overwrite ...'); the library names parameters."""
    import re

    flag = re.compile(r"(?<![\w-])--[a-z]")
    offenders = [f"{where}:{node.lineno}" for where, node in _core_raises()
                 for text in ast.walk(node.exc) if isinstance(text, ast.Constant) and isinstance(text.value, str)
                 and flag.search(text.value)]
    assert offenders == []


def test_the_core_raises_batikgen_errors_not_bare_builtin_ones():
    bare = {"ValueError", "TypeError", "RuntimeError", "Exception"}
    offenders = [f"{where}:{node.lineno}" for where, node in _core_raises()
                 if isinstance(node.exc, ast.Call) and getattr(node.exc.func, "id", None) in bare]
    assert offenders == []


def test_every_error_class_is_declared_in_errors_py():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any("Error" in ast.unparse(base) for base in node.bases):
                offenders.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert offenders == []


def test_a_bad_format_name_is_a_parameter_error():
    from batikgen.render.outputs import parse_formats

    with pytest.raises(ParameterError, match=r"format must be among png, tiff, svg \(comma-separated\); got gif"):
        parse_formats("png,gif")
