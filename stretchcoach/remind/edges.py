"""What the reminder commands touch outside the process, in one bundle that tests replace.

:meth:`Edges.real` is the only place that picks the wall clock, the real runner,
``PATH``, the platform, the environment and the Python that runs stretchcoach.
Where the schedulers keep their files follows from ``HOME`` and
``XDG_CONFIG_HOME`` here (to move into :mod:`stretchcoach.paths` with the rest).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from stretchcoach.errors import StretchcoachError
from stretchcoach.remind.run import Runner, SubprocessRunner


@dataclass(frozen=True)
class Edges:
    now: Callable[[], datetime]  # aware
    runner: Runner
    platform: str  # as sys.platform says: "linux", "darwin"
    env: Mapping[str, str]
    uid: int
    executable: str  # the Python that runs stretchcoach: the job runs `<executable> -m stretchcoach`
    play: Callable[[str], None] | None = None  # plays a sound by name; None: stretchcoach's own player
    which: Callable[[str], str | None] | None = None  # None: look on this bundle's PATH

    def find(self, name: str) -> str | None:
        """The command ``name`` on PATH, as a path, or None."""
        if self.which is not None:
            return self.which(name)
        return shutil.which(name, path=self.env.get("PATH", os.defpath))

    @classmethod
    def real(cls) -> Edges:
        return cls(
            now=lambda: datetime.now(UTC),
            runner=SubprocessRunner(),
            platform=sys.platform,
            env=os.environ,
            uid=os.getuid(),
            executable=sys.executable,
        )

    @property
    def home(self) -> Path:
        home = self.env.get("HOME")
        if not home or not os.path.isabs(home):
            raise StretchcoachError("HOME is not set to an absolute path; cannot tell where your scheduler's files go")
        return Path(home)

    @property
    def systemd_unit_dir(self) -> Path:
        """Where systemd looks for a user's own units (``systemd.unit(5)``)."""
        config = self.env.get("XDG_CONFIG_HOME")
        base = Path(config) if config and os.path.isabs(config) else self.home / ".config"
        return base / "systemd" / "user"

    @property
    def launch_agents_dir(self) -> Path:
        return self.home / "Library" / "LaunchAgents"
