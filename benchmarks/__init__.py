"""Speed and memory benchmarks: `python -m benchmarks [NAME ...]` (or `make bench`).

Each module ``bench_*.py`` has a ``main()`` that measures its subject and a baseline in the same run
and prints the figures and their ratios. Benchmarks are not tests: they never fail the suite.
"""
