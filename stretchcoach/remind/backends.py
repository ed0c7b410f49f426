"""The schedulers reminders can be installed with, what each is given, and how one is chosen.

Each scheduler is a module (:mod:`.systemd`, :mod:`.launchd`, :mod:`.cron`) with a
class that installs a :class:`Job` and returns what it wrote (:class:`Installed`,
kept in the remind state), removes exactly that, and checks it is still there.
An install that fails takes back everything it wrote (:class:`FileSet`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from stretchcoach.errors import ExitCode, StretchcoachError, os_problem
from stretchcoach.remind.edges import Edges
from stretchcoach.remind.schedule import Schedule

NAMES = ("systemd", "launchd", "cron")
PUT_BACK = "`stretchcoach remind on` puts it back"
HOME_ENV = "STRETCHCOACH_HOME"
XDG_ENV = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")  # where platformdirs looks, without HOME_ENV
# A file the user (or the system) must fix: 2, as for a read-only history. Anything else: 1.
_NEEDS_FIXING = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.ELOOP, errno.EEXIST}


@dataclass(frozen=True)
class Job:
    """What the scheduler runs, and when."""

    schedule: Schedule
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()


def job_for(schedule: Schedule, edges: Edges) -> Job:
    """The job that calls this very stretchcoach: ``<its python> -m stretchcoach remind notify``,
    with what decides where stretchcoach keeps its files passed on: ``STRETCHCOACH_HOME`` if it
    is set, else the XDG directories that are."""
    if not os.path.isabs(edges.executable):
        raise StretchcoachError(
            f"cannot tell which Python runs stretchcoach ({edges.executable!r} is not an absolute path)",
            exit_code=ExitCode.RUNTIME,
        )
    home = edges.env.get(HOME_ENV)
    if home:
        env = [(HOME_ENV, os.path.abspath(os.path.expanduser(home)))]
    else:  # the scheduler's environment may lack what the shell's profile set
        env = [(name, edges.env[name]) for name in XDG_ENV if os.path.isabs(edges.env.get(name, ""))]
    return Job(schedule, (edges.executable, "-m", "stretchcoach", "remind", "notify"), tuple(env))


@dataclass(frozen=True)
class Installed:
    """What an install wrote: removed by ``remind off``, and nothing else."""

    backend: str
    files: tuple[str, ...] = ()  # absolute paths
    dirs: tuple[str, ...] = ()  # directories there was none of before: removed with the files, if empty
    added_newline: bool = False  # cron: a newline was put after a last line that had none

    def to_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "files": list(self.files),
            "dirs": list(self.dirs),
            "added_newline": self.added_newline,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Installed:
        backend = data["backend"]
        files, dirs = data.get("files", []), data.get("dirs", [])
        if backend not in NAMES or not _paths(files) or not _paths(dirs):
            raise ValueError("not an install record")
        return cls(backend, tuple(files), tuple(dirs), bool(data.get("added_newline", False)))


def _paths(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(p, str) and os.path.isabs(p) for p in value)


def ours_and_notes(installed: Installed, is_ours: Callable[[Path], bool]) -> tuple[list[Path], list[str]]:
    """The files of ``installed`` still as stretchcoach wrote them, and a note for each that is not."""
    ours: list[Path] = []
    notes: list[str] = []
    for name in installed.files:
        path = Path(name)
        if is_ours(path):
            ours.append(path)
        elif os.path.lexists(path):
            notes.append(f"{path} was not written by stretchcoach; left alone")
    return ours, notes


def remove_files(paths: list[Path]) -> None:
    """Remove ``paths`` (the scheduler has already let go of them); one already gone is fine."""
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise StretchcoachError(
                f"cannot remove {path}: {os_problem(exc)}; the reminders are stopped, but the file is still there",
                exit_code=ExitCode.RUNTIME,
            ) from None


def remove_dirs(dirs: tuple[str, ...]) -> None:
    """The directories an install made, innermost first, where nothing else has come to live."""
    for folder in reversed(dirs):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def kept_dirs(previous: Installed | None, made: list[Path]) -> tuple[str, ...]:
    """The directories to remove at ``remind off``: those the first install made, and any made now."""
    dirs = list(previous.dirs if previous else ())
    return tuple(dirs + [str(d) for d in made if str(d) not in dirs])


class Backend(Protocol):
    name: str
    description: str  # "a systemd user timer"

    def install(self, job: Job, previous: Installed | None) -> Installed:
        """Install ``job`` (replacing ``previous``, if it was this scheduler's); all or nothing."""
        ...

    def remove(self, installed: Installed) -> list[str]:
        """Remove what ``installed`` says was written; return notes on anything left alone."""
        ...

    def missing(self, installed: Installed) -> list[str]:
        """What of ``installed`` is no longer there, in words."""
        ...


def backend(name: str, edges: Edges) -> Backend:
    if name == "systemd":
        from stretchcoach.remind.systemd import Systemd

        return Systemd(edges)
    if name == "launchd":
        from stretchcoach.remind.launchd import Launchd

        return Launchd(edges)
    if name == "cron":
        from stretchcoach.remind.cron import Cron

        return Cron(edges)
    raise StretchcoachError(f"--backend: no scheduler {name!r}; use auto, {', '.join(NAMES)}")


def choose(name: str, edges: Edges) -> Backend:
    """``auto``: launchd on macOS; a systemd user instance where ``systemctl --user`` answers;
    else cron. Any other name is taken as asked, if its command is there."""
    if name != "auto":
        chosen = backend(name, edges)
        command = {"systemd": "systemctl", "launchd": "launchctl", "cron": "crontab"}[chosen.name]
        if edges.find(command) is None:
            raise StretchcoachError(
                f"--backend {name}: {command} is not installed (not found on PATH)", exit_code=ExitCode.RUNTIME
            )
        return chosen
    if edges.platform == "darwin" and edges.find("launchctl"):
        return backend("launchd", edges)
    systemctl = edges.find("systemctl")
    if systemctl and edges.platform != "darwin":
        with contextlib.suppress(StretchcoachError):  # a hanging or broken systemctl: try cron
            if edges.runner([systemctl, "--user", "show-environment"]).ok:
                return backend("systemd", edges)
    if edges.find("crontab"):
        return backend("cron", edges)
    raise StretchcoachError(
        "no scheduler to install reminders with: no systemd user instance (systemctl --user), launchd or "
        "crontab was found; install cron, or use `stretchcoach remind due` in your shell prompt instead",
        exit_code=ExitCode.RUNTIME,
    )


def os_exit_code(exc: OSError) -> ExitCode:
    return ExitCode.USAGE if exc.errno in _NEEDS_FIXING else ExitCode.RUNTIME


def file_error(path: Path, exc: OSError, doing: str = "write") -> StretchcoachError:
    return StretchcoachError(
        f"cannot {doing} {path}: {os_problem(exc)}; nothing was installed", exit_code=os_exit_code(exc)
    )


class FileSet:
    """Files put in place for one install, each written to a temporary name first; :meth:`undo`
    puts back what was there before (or removes the new file) and removes the directories made."""

    def __init__(self) -> None:
        self._made_dirs: list[Path] = []
        self._temps: list[Path] = []
        self._placed: list[tuple[Path, bytes | None]] = []

    @property
    def made_dirs(self) -> list[Path]:
        return list(self._made_dirs)

    @property
    def placed(self) -> bool:
        """Some file is in place under its own name (so a scheduler may have seen it)."""
        return bool(self._placed)

    def make_dir(self, directory: Path) -> None:
        missing: list[Path] = []
        current = directory
        while not os.path.lexists(current) and current.parent != current:
            missing.append(current)
            current = current.parent
        if not current.is_dir():
            raise StretchcoachError(
                f"cannot make the directory {directory}: {current} is not a directory; nothing was installed"
            )
        for folder in reversed(missing):
            try:
                folder.mkdir()
            except OSError as exc:
                raise file_error(folder, exc, "make the directory") from None
            self._made_dirs.append(folder)

    def stage(self, path: Path, data: bytes) -> Path:
        """Write ``data`` beside ``path`` under a temporary name (a dot file no scheduler reads)."""
        try:
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as exc:
            raise file_error(path.parent, exc, "write in") from None
        temp = Path(name)
        self._temps.append(temp)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o644)  # as any unit or agent file: the scheduler reads it
        except OSError as exc:
            raise file_error(path, exc) from None
        return temp

    def place(self, temp: Path, path: Path) -> None:
        """Rename ``temp`` to ``path``, keeping what ``path`` held for :meth:`undo`."""
        try:
            before = path.read_bytes()
        except FileNotFoundError:
            before = None
        except OSError as exc:
            raise file_error(path, exc, "read") from None
        try:
            os.replace(temp, path)
        except OSError as exc:
            raise file_error(path, exc) from None
        self._temps.remove(temp)
        self._placed.append((path, before))

    def undo(self) -> None:
        """Best effort: nothing here may hide the error that made the install fail."""
        for temp in self._temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        for path, before in reversed(self._placed):
            with contextlib.suppress(OSError):
                if before is None:
                    path.unlink()
                else:
                    path.write_bytes(before)
        for folder in reversed(self._made_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: something else may have come to live there
        self._temps, self._placed, self._made_dirs = [], [], []
