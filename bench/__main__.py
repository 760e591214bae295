"""`python -m bench` (make bench): run the benchmarks."""
from bench.translation import main

main()
