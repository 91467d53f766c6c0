"""Run a program with the clock started at FROZEN_NOW (ISO 8601) and ticking from there.

Tests that start other processes (a Celery worker, `manage.py send_reminders`) use it so that
those processes agree with the test about what day it is:

    FROZEN_NOW=2026-11-30T09:00:00-05:00 python tests/frozen_clock.py -m celery -A foiatracker …
    FROZEN_NOW=... python tests/frozen_clock.py manage.py send_reminders
"""

from __future__ import annotations

import datetime
import os
import runpy
import sys

import time_machine

if __name__ == "__main__":
    # Run as a script, Python puts tests/ first on the path; the project root is what we need.
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    time_machine.travel(
        datetime.datetime.fromisoformat(os.environ["FROZEN_NOW"]), tick=True
    ).start()
    args = sys.argv[1:]
    if args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")
