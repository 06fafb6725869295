"""``python -m ruen`` is the ``ruen`` command."""

import sys

from ruen.cli import main

sys.exit(main())
