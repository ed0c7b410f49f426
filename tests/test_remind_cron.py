"""The cron backend: the marked block (golden files), and editing a crontab so that every line
stretchcoach did not write is kept byte for byte, through a fake crontab command."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import pytest

from stretchcoach.errors import StretchcoachError
from stretchcoach.remind.backends import Job, job_for
from stretchcoach.remind.cron import BEGIN, END, block, cron_days, cron_word, with_block, without_block
from stretchcoach.remind.schedule import build_schedule

from test_remind_support import DATA, Clock, Tools, invoke, make_edges, one_error_line

WEEKDAYS_JOB = Job(
    build_schedule(at="10:00,15:30", every=None, between=None, days="mon-fri"),
    ("/opt/stretch coach/bin/python3", "-m", "stretchcoach", "remind", "notify"),
    (("STRETCHCOACH_HOME", '/home/ana/100% "stretch" $HOME'),),
)
EVERY_2H_JOB = Job(
    build_schedule(at=None, every="2h", between="09:00-18:00", days=None),
    ("/usr/bin/python3", "-m", "stretchcoach", "remind", "notify"),
)
# Everything a crontab may hold that is not ours: environment lines, other tools' markers (one
# that nearly looks like ours), a CRLF line, tabs, trailing spaces, and no newline at the end.
ODD = (
    b"# m h  dom mon dow   command\n"
    b"SHELL=/bin/bash\n"
    b'MAILTO="ana@example.org"\n'
    b"PATH=/usr/local/bin:/usr/bin:/bin\n"
    b"\n"
    b"# BEGIN ANSIBLE MANAGED BLOCK\n"
    b"*/5 * * * * /usr/bin/backup --quiet 2>&1 | logger -t backup\n"
    b"# END ANSIBLE MANAGED BLOCK\n"
    b"# >>> conda initialize >>>\n"
    b"@reboot\t/home/ana/bin/start   \n"
    b"0 0 * * * echo 100\\% done\r\n"
    b"# >>> stretchcoach remind >>> (not the marker: a line of its own text)\n"
    b"  " + BEGIN + b"\n"  # indented: not the marker either
    b"# the last line, without a newline"
)


pytestmark = pytest.mark.usefixtures("utc_local_time")  # local days without DST or midnight surprises


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tools:
    return Tools(tmp_path, monkeypatch).add("crontab")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.fromisoformat("2026-11-26T09:00:00+00:00"))


ON = ["on", "--at", "10:00,15:30", "--days", "mon-fri", "--backend", "cron"]


def our_block(clock: Clock) -> bytes:
    """The block ON (above) writes here: this Python, and STRETCHCOACH_HOME passed on."""
    job = job_for(WEEKDAYS_JOB.schedule, make_edges(clock))
    assert dict(job.env) == {"STRETCHCOACH_HOME": os.environ["STRETCHCOACH_HOME"]}
    assert job.argv == (sys.executable, "-m", "stretchcoach", "remind", "notify")
    return block(job)


# -- the block ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("job", "name"), [(WEEKDAYS_JOB, "weekdays"), (EVERY_2H_JOB, "every-2h")])
def test_the_block_matches_the_golden_file(job: Job, name: str) -> None:
    assert block(job) == (DATA / f"{name}.crontab").read_bytes()


def test_cron_days_count_from_sunday() -> None:
    assert cron_days(frozenset(range(7))) == "*"
    assert cron_days(frozenset({0, 1, 2, 3, 4})) == "1-5"
    assert cron_days(frozenset({5, 6})) == "0,6"
    assert cron_days(frozenset({0, 2, 4})) == "1,3,5"
    assert cron_days(frozenset({4, 5, 6, 0})) == "0-1,5-6"


def test_cron_words_are_quoted_for_sh_with_percent_escaped_for_cron() -> None:
    assert cron_word("/usr/bin/python3") == "/usr/bin/python3"
    assert cron_word("/a b/python") == "'/a b/python'"
    assert cron_word("100%") == "100\\%"  # cron takes the backslash away again
    assert cron_word("it's") == "'it'\"'\"'s'"
    with pytest.raises(StretchcoachError, match="control character"):
        cron_word("a\nb")


# -- editing, byte for byte --------------------------------------------------------------------------------


def test_the_block_goes_at_the_end_and_comes_out_leaving_every_byte_as_it_was() -> None:
    new = block(WEEKDAYS_JOB)
    edited, added = with_block(ODD, new)
    assert added  # the last line had no newline: one was put after it
    assert edited == ODD + b"\n" + new
    restored, found = without_block(edited, added_newline=added)
    assert found
    assert restored == ODD


@pytest.mark.parametrize("table", [b"", b"\n", b'MAILTO=""\n0 * * * * date\n', ODD + b"\n", b"\r\n"])
def test_round_trips(table: bytes) -> None:
    edited, added = with_block(table, block(EVERY_2H_JOB))
    assert not added
    assert without_block(edited, added_newline=added) == (table, True)


def test_replacing_the_block_keeps_its_place_and_everything_around_it() -> None:
    first = b"SHELL=/bin/sh\n" + block(WEEKDAYS_JOB) + b"0 3 * * * /usr/bin/backup\n# end"
    edited, added = with_block(first, block(EVERY_2H_JOB))
    assert not added
    assert edited == b"SHELL=/bin/sh\n" + block(EVERY_2H_JOB) + b"0 3 * * * /usr/bin/backup\n# end"


def test_a_newline_we_added_stays_if_something_came_after_our_block() -> None:
    edited, added = with_block(b"# no newline", block(WEEKDAYS_JOB))
    edited += b"0 1 * * * later\n"  # someone added a line after ours
    assert without_block(edited, added_newline=added) == (b"# no newline\n0 1 * * * later\n", True)


@pytest.mark.parametrize("broken", [BEGIN + b"\n0 10 * * * x\n", b"0 10 * * * x\n" + END + b"\n"])
def test_half_a_block_is_refused(broken: bytes) -> None:
    with pytest.raises(StretchcoachError, match="one of stretchcoach's marker lines without the other"):
        with_block(broken, block(WEEKDAYS_JOB))
    with pytest.raises(StretchcoachError):
        without_block(broken, added_newline=False)


# -- through `crontab` ------------------------------------------------------------------------------------------


def test_on_and_off_keep_an_odd_crontab_byte_for_byte(tools: Tools, clock: Clock) -> None:
    tools.crontab.write_bytes(ODD)
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Reminders on, with lines in your crontab: 10:00 and 15:30, Monday to Friday.",
        "Next: 10:00. Each reminder says: Back relief — 4 min. Run: stretchcoach routine",
        "Added to your crontab, between stretchcoach's marker lines; `stretchcoach remind off` removes them.",
    ]
    assert tools.argvs("crontab") == [["-l"], ["-"]]
    assert tools.crontab.read_bytes() == ODD + b"\n" + our_block(clock)
    result = invoke(make_edges(clock), "off")
    assert result.exit_code == 0, result.output
    assert tools.crontab.read_bytes() == ODD


def test_on_twice_then_off(tools: Tools, clock: Clock) -> None:
    tools.crontab.write_bytes(ODD)
    invoke(make_edges(clock), *ON)
    result = invoke(make_edges(clock), "on", "--every", "2h", "--backend", "cron")
    assert result.exit_code == 0, result.output
    assert tools.crontab.read_bytes().split(b"\n").count(BEGIN) == 1
    assert b"0 9,11,13,15,17 * * * " in tools.crontab.read_bytes()
    invoke(make_edges(clock), "off")
    assert tools.crontab.read_bytes() == ODD


def test_without_a_crontab_one_is_made_and_emptied_again(tools: Tools, clock: Clock) -> None:
    assert invoke(make_edges(clock), *ON).exit_code == 0
    assert tools.crontab.read_bytes() == our_block(clock)
    assert invoke(make_edges(clock), "off").exit_code == 0
    assert tools.crontab.read_bytes() == b""


def test_crontab_missing(tools: Tools, clock: Clock) -> None:
    tools.remove("crontab")
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 1
    assert one_error_line(result) == "--backend cron: crontab is not installed (not found on PATH)"
    result = invoke(make_edges(clock), "on", "--at", "10:00")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("no scheduler to install reminders with")


@pytest.mark.parametrize(
    ("failing", "message"),
    [
        ("crontab:-l", "`crontab -l` failed (exit code 1): crontab: simulated failure"),
        ("crontab:-", "`crontab -` failed (exit code 1): crontab: simulated failure"),
    ],
)
def test_crontab_failing_changes_nothing(tools: Tools, clock: Clock, failing: str, message: str) -> None:
    tools.crontab.write_bytes(ODD)
    tools.fail(failing)
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 1
    assert one_error_line(result) == message
    assert tools.crontab.read_bytes() == ODD
    assert not (Path(os.environ["STRETCHCOACH_HOME"]) / "data" / "remind.json").exists()


def test_crontab_hanging(tools: Tools, clock: Clock) -> None:
    tools.crontab.write_bytes(ODD)
    tools.hang("crontab:-")
    result = invoke(make_edges(clock, timeout=0.5), *ON)
    assert result.exit_code == 1
    assert one_error_line(result) == "`crontab -` did not finish within 0.5 s; nothing more was done"
    assert tools.crontab.read_bytes() == ODD


def test_half_a_block_in_the_crontab_is_left_for_the_person(tools: Tools, clock: Clock) -> None:
    broken = ODD + b"\n" + BEGIN + b"\n0 10 * * * whatever\n"
    tools.crontab.write_bytes(broken)
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "your crontab has one of stretchcoach's marker lines without the other; remove what is left of "
        "stretchcoach's lines with `crontab -e`. Nothing was changed."
    )
    assert tools.crontab.read_bytes() == broken
    assert tools.argvs("crontab") == [["-l"]]


def test_lines_removed_by_hand_are_noted_at_off(tools: Tools, clock: Clock) -> None:
    invoke(make_edges(clock), *ON)
    tools.crontab.write_bytes(b"0 1 * * * mine\n")
    status = invoke(make_edges(clock), "status").stdout
    assert "Problem: stretchcoach's lines are no longer in your crontab" in status
    result = invoke(make_edges(clock), "off")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "stretchcoach's lines were no longer in your crontab"
    assert tools.crontab.read_bytes() == b"0 1 * * * mine\n"
    assert tools.argvs("crontab")[-1] == ["-l"]  # nothing to write back
