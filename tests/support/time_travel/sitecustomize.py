"""Run any Python process of the test suite with the wall clock moved to another date.

Proof that no test depends on today's date: with this folder on PYTHONPATH and
FRONTLINE_TEST_DATE set (ISO date or datetime), every Python process of the run (pytest, and
the `frontline` subprocesses the e2e tests start) sees that date from time.time(),
datetime.now() and friends, and the clock keeps ticking from there. Monotonic clocks are left
alone, so sleeps and timeouts behave. (libfaketime's LD_PRELOAD does the same for every
program, but with Python 3.11 its clock_nanosleep either sleeps for the whole offset or fails
with EINVAL.)

    FRONTLINE_TEST_DATE=2031-06-16 PYTHONPATH=tests/support/time_travel uv run pytest tests/e2e
"""

from __future__ import annotations

import os

_when = os.environ.get("FRONTLINE_TEST_DATE")
if _when:
    import time_machine

    time_machine.travel(_when, tick=True).start()
