"""Run every benchmark module, or those named on the command line (e.g. `features render`)."""

import importlib
import pkgutil
import sys

import benchmarks


def main(argv: list[str]) -> None:
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    short = [name.removeprefix("bench_") for name in names]
    if {"-h", "--help"} & set(argv):
        print(f"usage: python -m benchmarks [NAME ...]\n\nRuns the benchmarks named (all when none is): "
              f"{', '.join(short)}.\nEach prints its figures and its ratio to a baseline measured in the same run.")
        return
    wanted = [f"bench_{a.removeprefix('bench_')}" for a in argv] or names
    unknown = sorted(name.removeprefix("bench_") for name in set(wanted) - set(names))
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(short) or 'none'}")
    for name in wanted:
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
