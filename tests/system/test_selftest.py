"""The built-in tests pass on the ZVM shell, on both CPU models."""
import re

import pytest

from zvm import boot_zvm

RESULT = re.compile(r"^ZTEST (\S+) (PASS|FAIL) time_us=(\d+)(.*)$", re.M)
SUMMARY = re.compile(r"^ZTEST SUMMARY total=(\d+) passed=(\d+) failed=(\d+)", re.M)


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_zvm_test_run_all_passes(cpu):
    with boot_zvm(f"selftest-{cpu}", cpu=cpu, smp=4) as zvm:
        listed = [l for l in zvm.run("zvm test list").splitlines() if "." in l]
        out = zvm.run("zvm test run all", timeout=300)
        results = RESULT.findall(out)
        failed = [r for r in results if r[1] != "PASS"]
        assert not failed, "\n".join(l for l in out.splitlines() if " FAIL " in l)
        assert sorted(r[0] for r in results) == sorted(listed)
        total, passed, nfailed = map(int, SUMMARY.search(out).groups())
        assert (total, passed, nfailed) == (len(listed), len(listed), 0)
        for group in ["sched", "timer", "ipi", "alloc", "sync"]:
            assert any(name.startswith(group + ".") for name in listed), group


def test_unknown_test_selector_is_reported():
    with boot_zvm("selftest-unknown") as zvm:
        assert "no test matches 'nosuch'; see 'zvm test list'" in zvm.run("zvm test run nosuch")
