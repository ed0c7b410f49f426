"""Start stretchcoach: the ``stretchcoach`` command, and ``python -m stretchcoach``.

Garbage collection is held off while the command line loads: the tens of
thousands of objects that importing Typer and the commands makes all live
until exit, so collecting while importing finds nothing and costs about a
tenth of a short command's time. They are then frozen (left out of every
later collection, and of the last one at exit) and collection resumes for
the command itself, so a long routine collects its own garbage as usual.
"""

import gc


def main() -> None:
    gc.disable()
    try:
        from stretchcoach.cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    try:
        run()
    finally:
        # Everything is written and flushed by now (cli.main); the interpreter's last
        # collection has nothing to find that its teardown would not free anyway.
        gc.freeze()


if __name__ == "__main__":
    main()
