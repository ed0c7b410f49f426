#!/bin/bash
# A launch script that runs stretchcoach as its child instead of exec'ing it, as
# many do: the shell's job is this script, not stretchcoach. With IGNORE_TSTP set
# it also ignores Ctrl-Z, and so does stretchcoach, which inherits that.
if [ -n "$IGNORE_TSTP" ]; then trap '' TSTP; fi
"${STRETCHCOACH_PYTHON:-python3}" -m stretchcoach routine "$@"
exit $?
