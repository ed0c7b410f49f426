"""Generated inputs for the benchmark: large catalogs and a long history."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path


def write_catalog(path: Path, count: int, *, compact: bool = False) -> Path:
    """A valid catalog of ``count`` stretches (half held per side, half in rounds) and one routine.

    ``compact``: one short line a stretch, so that 100,000 stretches fit under the
    16 MiB a catalog may be (the full form takes 45 MiB for as many).
    """
    lines = ["version: 1", "stretches:"]
    for n in range(count if not compact else 0):
        lines += [
            f"  - id: stretch-{n}",
            f"    name: Generated stretch number {n}",
            "    targets: [lower back, hips]",
            "    setup: Lie on your back with your knees bent and your feet flat on the floor.",
            "    steps:",
            "      - Bring one knee up to your chest and hold it with your hands.",
            "      - Push the other leg down into the stretch.",
            "    feel: A stretch in the front of the hip.",
            "    tips: [Breathe slowly.]",
        ]
        if n % 2:
            lines += ["    hold: 30s", "    sides: [left, right]"]
        else:
            lines += [
                "    reps: 4",
                "    phases:",
                "      - {cue: Inhale and arch, seconds: 4, breath: inhale}",
                "      - {cue: Exhale and round, seconds: 4, breath: exhale}",
            ]
    for n in range(count if compact else 0):
        if n % 2:
            timing = "hold: 30s, sides: [left, right]"
        else:
            timing = "reps: 4, phases: [{cue: In, seconds: 4, breath: inhale}, {cue: Out, seconds: 4}]"
        lines.append(
            f"  - {{id: stretch-{n}, name: Stretch {n}, targets: [back], setup: Lie., steps: [Up.],"
            f" feel: Hip., {timing}}}"
        )
    lines += ["routines:", "  - id: first-ten", "    name: First ten", "    steps:"]
    lines += [f"      - stretch-{n}" for n in range(min(10, count))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_history(path: Path, *, sessions: int, seed: int = 7) -> Path:
    """A history of ``sessions`` default routines, one every two hours back from now."""
    from stretchcoach.catalog.assemble import load_catalog
    from stretchcoach.core.plan import plan_routine
    from stretchcoach.history.store import open_for_writing

    catalog = load_catalog(catalog_path=None, user_catalog=None)
    plan = plan_routine(catalog, catalog.get_routine("back-relief"))
    rng = random.Random(seed)
    now = datetime.now(UTC)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_for_writing(path).db  # checked, owner-only, migrated; filled below with plain SQL
    outcomes = ["completed"] * 8 + ["quit", "interrupted"]
    session_rows = []
    step_rows = []
    for sid in range(1, sessions + 1):
        started = now - timedelta(hours=2 * (sessions - sid))
        outcome = rng.choice(outcomes)
        pain = rng.randint(0, 8)
        session_rows.append(
            (
                sid,
                started.isoformat(timespec="seconds"),
                started.astimezone().date().isoformat(),
                "back-relief",
                plan.total_seconds,
                pain,
                max(0, pain - rng.randint(0, 2)),
                outcome,
                (started + timedelta(seconds=plan.total_seconds)).isoformat(timespec="seconds"),
                plan.active_seconds,
            )
        )
        stop = len(plan.steps) if outcome == "completed" else rng.randint(1, len(plan.steps))
        for i, step in enumerate(plan.steps):
            status = "done" if i < stop else "planned"
            side = step.side.value if step.side else None
            step_rows.append(
                (sid, i, step.kind.value, step.stretch.id, side, step.rep, step.seconds, status, step.seconds)
            )
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO sessions (id, started_at, local_day, routine, planned_seconds, pain_before, pain_after,"
        " outcome, ended_at, active_seconds) VALUES (?,?,?,?,?,?,?,?,?,?)",
        session_rows,
    )
    db.executemany("INSERT INTO steps VALUES (?,?,?,?,?,?,?,?,?)", step_rows)
    db.execute("COMMIT")
    db.close()
    return path


def main(argv: list[str]) -> None:
    """``generate.py catalog PATH COUNT [--compact]`` or ``generate.py history PATH SESSIONS``: run apart from
    the benchmark, so that its own memory stays small (a child's peak memory, as the kernel counts it, is
    at least what its parent held when it was started)."""
    kind, path, count = argv[0], Path(argv[1]), int(argv[2])
    if kind == "catalog":
        write_catalog(path, count, compact="--compact" in argv)
    else:
        write_history(path, sessions=count)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
