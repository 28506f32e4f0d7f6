"""Tests of evaluation.run.progress: log lines off a terminal, a redrawn bar on one.

Elapsed times vary, so they are matched by pattern, never compared.
"""
import io
import re

import pytest

from evaluation.exceptions import ParameterError
from evaluation.run.progress import Progress

ELAPSED = r"\s*\d+\.\ds"


class TtyStream(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self):
        return True


def run_events(progress):
    progress.event("start", "01_introduktion")
    progress.event("start", "02_konklusion")
    progress.event("finish", "01_introduktion")
    progress.event("fail", "02_konklusion")
    progress.event("start", "03_planstatus")
    progress.event("finish", "03_planstatus")


def test_non_tty_stream_gets_one_line_per_event_with_counts():
    stream = io.StringIO()
    progress = Progress(3, stream=stream)
    assert progress.tty is False
    run_events(progress)
    progress.close()
    lines = stream.getvalue().splitlines()
    # Counts by hand: starts leave done as it is, finish and fail add one.
    expected = [
        (0, "started", "01_introduktion"),
        (0, "started", "02_konklusion"),
        (1, "done", "01_introduktion"),
        (2, "FAILED", "02_konklusion"),
        (2, "started", "03_planstatus"),
        (3, "done", "03_planstatus"),
    ]
    assert len(lines) == len(expected)
    for line, (done, word, name) in zip(lines, expected):
        assert re.fullmatch(rf"\[{done}/3{ELAPSED}\] {word}: {name}", line), line
    assert "\r" not in stream.getvalue()


def test_tty_stream_gets_carriage_return_redraws_and_a_final_newline():
    stream = TtyStream()
    progress = Progress(4, stream=stream, width=8)
    assert progress.tty is True
    progress.event("start", "a")
    progress.event("start", "b")
    progress.event("finish", "a")
    out = stream.getvalue()
    assert out.count("\r") == 3
    assert "\n" not in out
    frames = out.split("\r")[1:]
    # 0 of 4 done: empty bar; 1 of 4 with width 8: two '#'.
    assert re.match(rf"\[--------\] 0/4{ELAPSED} a\s*$", frames[0])
    assert re.match(rf"\[--------\] 0/4{ELAPSED} a, b\s*$", frames[1])
    assert re.match(rf"\[##------\] 1/4{ELAPSED} b\s*$", frames[2])
    # Each frame is padded so a shorter one overwrites a longer one.
    assert all(len(f) >= 109 for f in frames)
    progress.close()
    assert stream.getvalue().endswith("\n")


def test_tty_bar_is_full_when_all_are_done():
    stream = TtyStream()
    progress = Progress(2, stream=stream, width=4)
    for kind, name in (("start", "a"), ("finish", "a"), ("start", "b"), ("finish", "b")):
        progress.event(kind, name)
    assert re.match(rf"\[####\] 2/2{ELAPSED}\s*$", stream.getvalue().split("\r")[-1])


@pytest.mark.parametrize("stream_type", [io.StringIO, TtyStream])
def test_quiet_prints_nothing_but_keeps_counting(stream_type):
    stream = stream_type()
    progress = Progress(3, stream=stream, quiet=True)
    run_events(progress)
    progress.close()
    assert stream.getvalue() == ""
    assert progress.done == 3
    assert progress.running == []


def test_unknown_event_kind_is_refused_before_counting():
    stream = io.StringIO()
    progress = Progress(2, stream=stream)
    with pytest.raises(ParameterError, match="kind"):
        progress.event("retry", "a")
    assert progress.done == 0
    assert stream.getvalue() == ""


@pytest.mark.parametrize("stream, quiet", [(io.StringIO(), False), (TtyStream(), False), (io.StringIO(), True)])
def test_every_event_is_recorded_as_a_plain_line_also_on_a_terminal_or_when_quiet(stream, quiet):
    recorded = []
    progress = Progress(total=3, stream=stream, quiet=quiet,
                        record=lambda kind, name, line, **info: recorded.append((kind, name, line, info)))
    run_events(progress)
    assert [(k, n) for k, n, _, _ in recorded] == [
        ("start", "01_introduktion"), ("start", "02_konklusion"), ("finish", "01_introduktion"),
        ("fail", "02_konklusion"), ("start", "03_planstatus"), ("finish", "03_planstatus")]
    assert re.fullmatch(rf"\[3/3{ELAPSED}\] done: 03_planstatus", recorded[-1][2])
    assert all("\r" not in line for _, _, line, _ in recorded)
    if quiet:
        assert stream.getvalue() == ""
