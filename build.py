#!/usr/bin/env python3
"""Build the digest. `python build.py --help` lists the options."""
import sys

from digest.cli import main

if __name__ == "__main__":
    sys.exit(main())
