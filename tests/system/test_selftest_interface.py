"""The `zvm test` interface: list, run with rounds and seeds, status, results
(text and JSON), cancellation with Ctrl-C and `zvm test cancel`, refusals."""
import json
import re

import pytest

from zvm import PROMPT, boot_zvm

RESULT = re.compile(r"^ZTEST (\S+) (PASS|FAIL|SKIP) time_us=(\d+)( round=(\d+))?", re.M)
RUN = re.compile(r"^ZTEST RUN selector=(\S+) tests=(\d+) repeat=(\d+) seed=(\d+)$", re.M)
SUMMARY = re.compile(r"^ZTEST SUMMARY total=(\d+) passed=(\d+) failed=(\d+) skipped=(\d+) "
                     r"time_us=\d+( cancelled=1)?\n", re.M)   # \n: the whole line is out
LONG_RUN = "zvm test run sched --repeat 1000"
STATUS_POLLS = 200


@pytest.fixture(scope="module")
def zvm():
    with boot_zvm("selftest-interface") as machine:
        yield machine


def wait_status(zvm, pattern):
    """Asks `zvm test status` until it matches: keyed on ZVM's answer."""
    for _ in range(STATUS_POLLS):
        out = zvm.run("zvm test status")
        if re.search(pattern, out):
            return out
    raise AssertionError(f"status never matched {pattern!r}; last: {out!r}")


def test_list_names_groups_and_filters_one(zvm):
    everything = zvm.run("zvm test list")
    names = [l for l in everything.splitlines() if "." in l]
    groups = sorted({n.split(".")[0] for n in names})
    assert f"{len(names)} tests in {len(groups)} groups" in everything
    sched = zvm.run("zvm test list sched")
    assert sorted(l for l in sched.splitlines() if "." in l) == \
        sorted(n for n in names if n.startswith("sched."))
    unknown = zvm.run("zvm test list nosuch")
    assert "no group 'nosuch'; groups:" in unknown
    assert sorted(unknown.split("groups:")[1].split()) == groups


def test_rounds_and_seed_are_reported_and_kept(zvm):
    out = zvm.run("zvm test run shell --repeat 3 --seed 77", timeout=300)
    selector, tests, repeat, seed = RUN.search(out).groups()
    assert (selector, repeat, seed) == ("shell", "3", "77")
    results = RESULT.findall(out)
    assert len(results) == 3 * int(tests)
    assert sorted({int(r[4]) for r in results}) == [1, 2, 3]
    assert all(r[1] == "PASS" for r in results), out
    total, passed, failed, skipped, cancelled = SUMMARY.search(out).groups()
    assert (int(total), int(failed), cancelled) == (3 * int(tests), 0, None)
    # The same run, read back afterwards, as lines and as JSON.
    again = zvm.run("zvm test results")
    assert RESULT.findall(again) == results
    assert SUMMARY.search(again).group(1) == total
    doc = json.loads(zvm.run("zvm test results --json"))
    assert doc["run"]["state"] == "finished"
    assert (doc["run"]["selector"], doc["run"]["repeat"], doc["run"]["seed"]) == ("shell", 3, 77)
    assert [(r["name"], r["verdict"], r["round"]) for r in doc["results"]] == \
        [(r[0], r[1], int(r[4])) for r in results]
    assert re.search(r"last run 'shell' \(seed 77\) finished: (\d+) of \1; \1 passed",
                     zvm.run("zvm test status"))


def test_ctrl_c_cancels_a_run_on_the_shell(zvm):
    zvm.send(LONG_RUN + "\r")
    zvm.expect(r"ZTEST RUN selector=sched tests=\d+ repeat=1000", 60)
    zvm.expect(r"ZTEST sched\.\S+ (PASS|FAIL|SKIP)", 120)   # a verdict: the run is on
    zvm.send("\x03")
    zvm.expect(r"\^C: cancelling", 60)
    summary = zvm.expect(SUMMARY.pattern, 300)
    assert summary.group(5) == " cancelled=1"
    zvm.expect(PROMPT, 60)
    assert "was cancelled" in zvm.run("zvm test status")
    doc = json.loads(zvm.run("zvm test results --json"))
    assert doc["run"]["state"] == "cancelled"
    assert doc["run"]["total"] < doc["run"]["tests"] * 1000


def test_detached_run_goes_on_refuses_a_second_and_cancels(zvm):
    zvm.send(LONG_RUN + "\r")
    zvm.expect(r"ZTEST RUN selector=sched", 60)
    zvm.send("\x1d")
    zvm.expect(r"\[the run goes on: 'zvm test status', 'zvm test results'\]", 60)
    zvm.expect(PROMPT, 60)
    wait_status(zvm, r"running 'sched' \(seed \d+\): [1-9]\d* of \d+ done")
    refused = zvm.run("zvm test run shell")
    assert "cannot start a run: running 'sched'" in refused
    assert "cancelling: the run stops after the test that runs now" in \
        zvm.run("zvm test cancel")
    wait_status(zvm, r"last run 'sched' \(seed \d+\) was cancelled")
    assert "no test run is in progress" in zvm.run("zvm test cancel")


@pytest.mark.parametrize("line, answer", [
    ("zvm test run", "usage: zvm test run"),
    ("zvm test run all --repeat 0", "--repeat takes 1 to 1000 rounds"),
    ("zvm test run all --repeat", "--repeat needs a number"),
    ("zvm test run all --seed x", "--seed needs a number"),
    ("zvm test run all --bogus", "usage: zvm test run"),
    ("zvm test run nosuch", "no test matches 'nosuch'; see 'zvm test list'"),
    ("zvm test results --xml", "usage: zvm test results"),
])
def test_bad_requests_are_refused(zvm, line, answer):
    assert answer in zvm.run(line)
