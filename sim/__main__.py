"""``python -m sim`` runs the ``hiring-sim`` command line."""

import sys

from sim.cli import main

sys.exit(main())
