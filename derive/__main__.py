"""`python -m derive` runs the command-line tool."""

import sys

from derive.cli import main

sys.exit(main())
