"""The serial shell: commands, clear errors, line editing and history."""
import re

import pytest

from zvm import boot_zvm

UP = "\x1b[A"
LEFT = "\x1b[D"
BACKSPACE = "\x7f"


@pytest.fixture(scope="module")
def zvm():
    with boot_zvm("shell") as machine:
        yield machine


def test_help_lists_every_command(zvm):
    out = zvm.run("help")
    for name in ["help", "version", "uptime", "cpus", "mem", "irqs", "threads", "log",
                 "zvm test list", "zvm test run"]:
        assert re.search(r"^\s+" + re.escape(name) + r"\b", out, re.M), name


def test_unknown_command_says_so(zvm):
    assert "unknown command 'frobnicate'; type 'help' for a list" in zvm.run("frobnicate")


def test_wrong_arguments_show_usage(zvm):
    assert "usage: cpus" in zvm.run("cpus now")
    assert "usage: log [-l error|warn|info|debug] [-n lines]" in zvm.run("log -l loud")
    assert "usage: zvm test run" in zvm.run("zvm test run")


def test_unterminated_quote_is_a_clear_error(zvm):
    assert "quote" in zvm.run('log "-n').lower()


def test_a_line_over_the_limit_says_so_and_is_not_run(zvm):
    """The shell keeps 256 characters (LINEEDIT_MAX): a longer line is not
    what was typed, so it is not run, and the shell says why."""
    zvm.send("version " + "x" * 300 + "\r")
    zvm.expect(r"line longer than 256 characters: not run", 30)
    zvm.expect(r"zvm> ", 30)
    assert "ZVM" in zvm.run("version")


def test_uptime_advances(zvm):
    first = float(re.search(r"up (\d+\.\d+) s", zvm.run("uptime")).group(1))
    zvm.run("cpus")
    second = float(re.search(r"up (\d+\.\d+) s", zvm.run("uptime")).group(1))
    assert second > first > 0


def test_mem_threads_irqs(zvm):
    mem = zvm.run("mem")
    free, total = map(int, re.search(r"pages\s+(\d+) free of (\d+)", mem).groups())
    assert 0 < free < total
    assert re.search(r"^RAM\s+1024 MiB", mem, re.M)
    threads = zvm.run("threads")
    assert re.search(r"^\d+\s+shell\s+0\s+20/20\s+running", threads, re.M)
    assert len(re.findall(r"idle/\d\d", threads)) == 4
    irqs = zvm.run("irqs")
    uart = re.search(r"^33\s+SPI\s+(\d+)\s+console-uart", irqs, re.M)
    assert uart and int(uart.group(1)) > 0


def test_line_editing(zvm):
    # "cpx" -> backspace -> "us": the shell must run "cpus".
    zvm.send("cpx" + BACKSPACE + "us\r")
    zvm.expect(r"CPUs online", 30)
    zvm.expect(r"zvm> ", 30)
    # Insert in the middle: "upime", cursor left 3, type "t" -> "uptime".
    zvm.send("upime" + LEFT * 3 + "t\r")
    zvm.expect(r"up \d+\.\d+ s", 30)
    zvm.expect(r"zvm> ", 30)


def test_history_recalls_previous_command(zvm):
    zvm.run("version")
    zvm.send(UP + "\r")
    zvm.expect(r"ZVM \S+, built", 30)
    zvm.expect(r"zvm> ", 30)
