"""Lets ``python -m geokg`` run the command line."""

from geokg.server.cli import main

raise SystemExit(main())
