"""Stretching reminders run by the system's own scheduler (``stretchcoach remind``).

Pure core: :mod:`.schedule` (options to times of day, next and last runs, snoozes)
and :mod:`.decide` (whether a reminder is due, and what it says). Edges:
:mod:`.edges` (the clock, runner, environment and platform, in one bundle),
:mod:`.state` (one JSON file), :mod:`.run` (external commands), one module per
scheduler (:mod:`.systemd`, :mod:`.launchd`, :mod:`.cron`, chosen in
:mod:`.backends`), :mod:`.notifier` (the desktop notification) and
:mod:`.sources` (the adapters to the rest of stretchcoach: catalog, history,
rule, sound). :mod:`.view` renders ``remind status``; the commands are in
:mod:`stretchcoach.commands.remind` and the Typer sub-app in
:mod:`stretchcoach.remind_cli`.
"""
