"""``python -m sim.cli``: the same as ``hiring-sim``."""

import sys

from . import main

sys.exit(main())
