"""`python -m bot.cli …`, the same as the `frontline` console script."""

import sys

from bot.cli import main

sys.exit(main())
