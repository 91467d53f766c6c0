"""What each benchmark measures, once Django is set up.

`benchmarks/<name>.py` is the script and the plug-in of `benchmarks/run.py`; it must import
before Django is configured (run as a script, it configures Django itself from its command line).
The code that loads rows, times and checks them imports models at the top of its module, so it
lives here, in `benchmarks/measures/<name>`, and the script imports it only after
`setup_django()` (the runner has set Django up before it calls a plug-in).
"""
