"""``python -m ruen`` is the ``ruen`` command."""

import sys

from ruen.cli import main

if __name__ == "__main__":  # not in the processes Dask's workers start from this module
    sys.exit(main())
