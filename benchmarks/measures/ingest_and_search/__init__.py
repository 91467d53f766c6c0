"""The ingest-and-search benchmark (`benchmarks/ingest_and_search.py`), in parts.

- `vocabulary`, `corpus`: the generated mailbox and the seeded text of bulk documents (no Django);
- `ingestion`: the bare parse-and-hash loop and `release_ingest` of the mailbox, timed and checked;
- `breakdown`: where ingestion's time goes (a stopwatch around each step, cProfile);
- `search`: fifty queries through `document_search`, next to the same SQL on a bare cursor;
- `experiments`: the real code with one change patched in (--experiments), never the figures;
- `runs`: the benchmark alone (the script) and as a plug-in of `benchmarks/run.py`.
"""
