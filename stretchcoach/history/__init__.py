"""The history: every routine and pain check-in, in a SQLite file written step by step.

From the bottom up:

* :mod:`~stretchcoach.history.problems` — what can go wrong with a file (OS and SQLite errors
  alike), in one table of short phrases;
* :mod:`~stretchcoach.history.errors` — :class:`HistoryError`, and each problem said of the
  history, with what to do;
* :mod:`~stretchcoach.history.sql` — one write transaction; how a moment is stored;
* :mod:`~stretchcoach.history.migrations` — the schema, as an append-only list of migrations,
  with the summaries that triggers keep as steps are saved, for reading it back quickly;
* :mod:`~stretchcoach.history.files` — the file and its side files on disk, before SQLite
  opens them; moving a damaged one aside;
* :mod:`~stretchcoach.history.identity` — whose database a file is (reads only);
* :mod:`~stretchcoach.history.store` — :class:`HistoryStore`: the history opened for a
  routine or for reading, raising :class:`HistoryError` and nothing else;
* :mod:`~stretchcoach.history.recorder` — one routine, saved whenever the database lets it;
* :mod:`~stretchcoach.history.saving` — saving as the routine runs, never holding up its timer;
* :mod:`~stretchcoach.history.queries` — reading it back, added up by SQLite;
* :mod:`~stretchcoach.history.report` — what `history` shows, as plain data.
"""
