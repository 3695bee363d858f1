"""Everything the tests share, and no tests: fixtures (a pytest plugin), helpers, test doubles."""
