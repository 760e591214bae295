"""`python -m bench` (make bench): the translation pipeline benchmark, then translate-on-write."""
from bench import posting, translation

translation.main([])
print()
posting.main()
