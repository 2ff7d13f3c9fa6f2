"""VisualZVM's dashboard in headless Chromium (docs/protocol.md, "visualzvm").

One boot of the default system (configs/qemu-virt.dts, which carries the
development key of configs/qemu-virt.key) as make visualzvm boots it: the
board's NIC with a host forward on 127.0.0.1 to the agent's UDP port, and
the console UART on a unix socket.  The visualzvm daemon makes its calls
over UDP, holds the console socket for the shell, and serves the page on
127.0.0.1.  Chromium (Debian's, driven by chromedriver through selenium)
loads the page and uses it like a person: the default VMs on their cores,
a VM stopped and started by its buttons (each through the confirm
dialog), charts that move (traps, CPU use, time-sync offset), the
console's echo, a test group run from the test page, the whole suite from
"Run all" (borrowing the VMs' cores) and a second run of it cancelled from
its button; the Ethernet pulled (the daemon's UDP goes through a relay
the test can cut) and the calls moving to the serial line by themselves,
then back to UDP with the cable; the daemon killed and restarted while
ZVM runs on, the page showing its banner and coming back by itself (the
second daemon on the serial line alone).  Last, every lifecycle button on
rtos (pause, resume, restart, stop, delete, and a shutdown it refuses)
and the create dialog: refused while every core is held, then a VM made
on the core rtos left and started.  Screenshots of every step go to
build/test-artifacts/dashboard-*.png.

Waits are on the DOM (WebDriverWait on a condition), with generous bounds:
the machine may be loaded.
"""
import json
import os
import re
import signal
import socket
import subprocess
import threading

import pytest

from qemu_harness import die_with_parent, free_udp_port
from serial_socket import SocketZvm
from systems import system_image
from zvm import BUILD, REPO

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

DAEMON = os.path.join(REPO, BUILD, "tools", "visualzvm")
WEB_DIR = os.path.join(REPO, BUILD, "visualzvm", "web")
KEY_FILE = os.path.join(REPO, "configs", "qemu-virt.key")
ARTIFACTS = os.path.join(REPO, BUILD, "test-artifacts")
WAIT = 90  # seconds for anything the page waits on ZVM for
ZVM_IP = "10.0.2.15"  # configs/qemu-virt.dts, /zvm/network
AGENT_PORT = 5555     # its agent-port (the default)
CACHE_REASONS = ("not counted by this CPU (no L1D_CACHE events)",  # agent_status.c
                 "the PMU counters are the guests' own")
OFFSET_BOUND_US = 5000  # a synced clock (test_linux_guest's bound for the same figure)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cable:
    """A UDP relay between the daemon and QEMU's forward to the agent: the
    Ethernet, which a test can pull (datagrams dropped both ways) and plug
    back in."""

    def __init__(self, agent_port):
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(("127.0.0.1", 0))
        self.port = self.front.getsockname()[1]
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.connect(("127.0.0.1", agent_port))
        self.plugged = threading.Event()
        self.plugged.set()
        self.peer = None
        for relay in (self._from_daemon, self._from_zvm):
            threading.Thread(target=relay, daemon=True).start()

    def _from_daemon(self):
        while True:
            data, self.peer = self.front.recvfrom(65536)
            if self.plugged.is_set():
                self.back.send(data)

    def _from_zvm(self):
        while True:
            data = self.back.recv(65536)
            if self.plugged.is_set() and self.peer:
                self.front.sendto(data, self.peer)


class Daemon:
    """The visualzvm process; started again after a kill, on the same port."""

    def __init__(self, zvm, port, cable):
        self.zvm, self.port, self.proc, self.cable = zvm, port, None, cable

    def start(self, udp=True):
        """udp: calls over UDP (through the cable) and the console on the
        socket; else both on the socket."""
        console = "serial:" + self.zvm.socket_path
        target = ["--target", f"udp://127.0.0.1:{self.cable.port}", "--console", console] \
            if udp else ["--target", console]
        self.log = open(os.path.join(ARTIFACTS, "dashboard-daemon.log"), "a")
        self.proc = subprocess.Popen(
            [DAEMON, *target, "--key-file", KEY_FILE, "--web", WEB_DIR, "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=self.log, text=True, preexec_fn=die_with_parent)
        line = self.proc.stdout.readline()  # the URL, once it serves
        assert "dashboard is at" in line, line

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def zvm():
    subprocess.run(["make", "--no-print-directory", "visualzvm-build"], cwd=REPO, check=True,
                   capture_output=True, timeout=600)
    os.makedirs(ARTIFACTS, exist_ok=True)
    agent = free_udp_port()
    machine = SocketZvm(system_image("qemu-virt"), "dashboard",
                        hostfwd=[("udp", agent, ZVM_IP, AGENT_PORT)])
    machine.agent = agent
    with machine:
        machine.boot()
        machine.disconnect()  # the line is the daemon's from here on
        yield machine


@pytest.fixture(scope="module")
def daemon(zvm):
    d = Daemon(zvm, free_port(), Cable(zvm.agent))
    d.start()
    yield d
    d.kill()


@pytest.fixture(scope="module")
def page(daemon):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):
        options.add_argument(arg)
    service = webdriver.chrome.service.Service(executable_path="/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.get(f"http://127.0.0.1:{daemon.port}/")
    yield driver
    driver.quit()


def wait(driver, condition, what, timeout=WAIT):
    # The page redraws its tables as news comes: an element found a moment
    # ago may be gone, so a condition is tried again until it holds.
    return WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException]
                         ).until(condition, message=what)


def click(driver, css, what):
    """A real click on what css finds, tried again if the table was redrawn."""
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, css).click() or True, what)


def text(driver, css):
    """The text of what css finds now (read in the page, in one go), or None."""
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : null", css)


def attr(driver, css, name):
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return e ? e.getAttribute(arguments[1]) : null", css, name)


def shot(driver, name):
    driver.save_screenshot(os.path.join(ARTIFACTS, f"dashboard-{name}.png"))


def tab(driver, name):
    driver.find_element(By.CSS_SELECTOR, f'nav a[data-tab="{name}"]').click()
    wait(driver, lambda d: d.find_element(By.ID, name).is_displayed(), f"the {name} tab")


def owner(driver, core):
    return attr(driver, f'#core-map [data-core="{core}"]', "data-owner")


def vm_state(driver, vm):
    return text(driver, f'#vm-table tr[data-vm="{vm}"] td.state')


def test_the_default_vms_on_their_cores(page):
    wait(page, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-link") == "up",
         "the link to ZVM up")
    assert attr(page, "body", "data-target").startswith("udp://")
    wait(page, lambda d: owner(d, 3) == "linux", "the core map")
    assert [owner(page, c) for c in range(4)] == ["ZVM", "rtos", "linux", "linux"]
    assert "smp" in attr(page, '#core-map [data-core="2"]', "class")
    assert "AMP" in text(page, '#core-map [data-core="1"]')
    wait(page, lambda d: vm_state(d, "rtos") == "running", "rtos running")
    assert vm_state(page, "linux") in ("running", "stuck", "crashed", "paused", "stopped")
    assert not page.find_element(By.ID, "banner").is_displayed()
    # Its peripherals and how each is virtualized, on its own page.
    click(page, '#vm-table tr[data-vm="linux"] a.vm-link', "linux's link")
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, '#detail-devices tr[data-kind="net"]'),
         "linux's devices")
    modes = dict(page.execute_script(
        "return [...document.querySelectorAll('#detail-devices tbody tr')]"
        ".map(r => [r.dataset.kind, r.children[1].textContent])"))
    assert modes["pl011"] == "emulated" and modes["blk"].startswith("virtio")
    shot(page, "board")


def click_action(driver, vm, action):
    click(driver, f'#vm-table tr[data-vm="{vm}"] button[data-action="{action}"]:enabled',
          f"{vm}'s {action} button")
    dialog = driver.find_element(By.ID, "confirm")
    wait(driver, lambda d: dialog.is_displayed(), "the confirm dialog")
    assert f"{action} VM '{vm}'" in driver.find_element(By.ID, "confirm-text").text
    driver.find_element(By.ID, "confirm-ok").click()


def test_stop_and_start_by_the_buttons(page):
    tab(page, "overview")
    wait(page, lambda d: vm_state(d, "rtos") == "running", "rtos running")
    # Cancel first: nothing happens.
    click(page, '#vm-table tr[data-vm="rtos"] button[data-action="stop"]', "rtos's stop button")
    wait(page, lambda d: d.find_element(By.ID, "confirm").is_displayed(), "the confirm dialog")
    page.find_element(By.ID, "confirm-cancel").click()
    click_action(page, "rtos", "stop")
    wait(page, lambda d: vm_state(d, "rtos") == "stopped", "rtos stopped")
    shot(page, "stopped")
    click_action(page, "rtos", "start")
    wait(page, lambda d: vm_state(d, "rtos") == "running", "rtos running again")
    assert owner(page, 1) == "rtos"


def test_a_chart_updates(page):
    tab(page, "metrics")
    chart = page.find_element(By.ID, "chart-traps")
    first = int(chart.get_attribute("data-points"))
    wait(page, lambda d: int(chart.get_attribute("data-points")) >= first + 2, "two more samples")
    assert page.find_elements(By.CSS_SELECTOR, "#chart-traps canvas")
    last = page.execute_script("return JSON.parse(arguments[0].dataset.last)", chart)
    assert any(k.startswith("rtos.") for k in last), last
    # rtos and linux share the default system's Zshm channels (zvm zshm).
    wait(page, lambda d: re.search(r"rtos: \d+ channel\(s\), \d+ doorbells",
                                   d.find_element(By.ID, "metric-zshm").text), "rtos's Zshm figures")
    # Never a made-up figure: the agent says why there is none.
    assert page.find_element(By.ID, "metric-cache").text in CACHE_REASONS
    # Each vCPU's share of its core (vmm/vcpu_time.h), charted: linux's in
    # the guest; rtos's busy share, since direct delivery tells apart only
    # its trapped WFI (after its suite it idles between polls).
    cpu = page.find_element(By.ID, "chart-cpu")
    wait(page, lambda d: {"linux.0", "rtos.0"} <= json.loads(cpu.get_attribute("data-last") or "{}").keys(),
         "linux's and rtos's CPU use")
    last = json.loads(cpu.get_attribute("data-last"))
    assert 0 < last["linux.0"] <= 101 and 0 <= last["rtos.0"] <= 101, last
    text = page.find_element(By.ID, "metric-cpu").text
    assert re.search(r"linux\.0 guest \d+\.\d%, ZVM \d+\.\d%", text), text
    assert re.search(r"rtos\.0 busy -?\d+\.\d%, idle \d+\.\d%", text), text
    # rtos reports its clock by hypercall (zvm time): ZVM's measured offset, charted.
    offset = page.find_element(By.ID, "chart-offset")
    wait(page, lambda d: "rtos" in json.loads(offset.get_attribute("data-last") or "{}"),
         "rtos's time-sync offset")
    assert abs(json.loads(offset.get_attribute("data-last"))["rtos"]) < OFFSET_BOUND_US
    assert re.search(r"rtos -?\d+ ns \(hvc\)", page.find_element(By.ID, "metric-time").text)
    shot(page, "metrics")


def test_the_console_echoes(page):
    tab(page, "console")
    page.find_element(By.CSS_SELECTOR, "#terminal .xterm-helper-textarea").send_keys("zvm list", Keys.ENTER)
    try:
        wait(page, lambda d: re.search(r"zvm list\s*\n(.*\n)*ID +NAME.*\n(.*\n)*1 +rtos ",
                                       d.execute_script("return vzConsoleText()")),
             "the echo and the shell's answer to zvm list")
    except TimeoutException:
        shot(page, "console")
        raise AssertionError("the console shows:\n" + page.execute_script("return vzConsoleText()")
                             + "\nbrowser log: " + str(page.get_log("browser")))
    shot(page, "console")


def test_a_test_group_from_its_button(page):
    tab(page, "tests")
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, '#test-groups [data-group="alloc"]'),
         "the test groups")
    click(page, '#test-groups [data-group="alloc"]', "the alloc button")
    status = page.find_element(By.ID, "test-status")
    wait(page, lambda d: status.get_attribute("data-state") == "done", "the run done",
         timeout=180)
    verdicts = [r.get_attribute("data-verdict")
                for r in page.find_elements(By.CSS_SELECTOR, "#test-results tbody tr")]
    assert verdicts and all(v == "PASS" for v in verdicts), verdicts
    names = [r.get_attribute("data-test")
             for r in page.find_elements(By.CSS_SELECTOR, "#test-results tbody tr")]
    assert all(n.startswith("alloc.") for n in names), names
    shot(page, "tests")


def test_a_run_started_elsewhere_shows_by_its_events(page):
    """A run typed at the shell (in the page's console) reaches the test
    page through event.test_run and event.test, not the page's own polling."""
    tab(page, "console")
    page.find_element(By.CSS_SELECTOR, "#terminal .xterm-helper-textarea").send_keys(
        "zvm test run alloc.page_orders", Keys.ENTER)
    tab(page, "tests")
    try:
        wait(page, lambda d: re.search(r"\(alloc\.page_orders\): finished, 1 passed",
                                       text(d, "#test-status") or ""), "the run's end event",
             timeout=40)
    except TimeoutException:
        raise AssertionError(text(page, "#test-status") + "\n"
                             + page.execute_script("return vzConsoleText()")[-3000:])
    wait(page, lambda d: [r.get_attribute("data-test") for r in
                          d.find_elements(By.CSS_SELECTOR, "#test-results tbody tr")]
         == ["alloc.page_orders"], "its one result")
    shot(page, "tests-event")


RUN_ALL_TIMEOUT = 900  # test_selftest_default's bound for the same run


def test_run_all_from_its_button_with_borrowed_cores(page):
    """The whole built-in suite from the page, as on the shell and from
    zvmctl (test_selftest_default): every test PASS, none skipped, and the
    VMs that lent their cores run again."""
    tab(page, "tests")
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, '#test-groups [data-group="all"]'),
         "the Run all button")
    total = int(re.search(r"\((\d+)\)", text(page, '#test-groups [data-group="all"]'))[1])
    borrow = page.find_element(By.ID, "test-borrow")
    if not borrow.is_selected():
        borrow.click()
    click(page, '#test-groups [data-group="all"]', "the Run all button")
    status = page.find_element(By.ID, "test-status")
    wait(page, lambda d: status.get_attribute("data-state") == "running", "the run started")
    assert page.find_element(By.ID, "test-cancel").is_enabled()
    wait(page, lambda d: status.get_attribute("data-state") == "done", "the run done",
         timeout=RUN_ALL_TIMEOUT)
    shot(page, "tests-all")
    rows = page.find_elements(By.CSS_SELECTOR, "#test-results tbody tr")
    verdicts = {r.get_attribute("data-test"): r.get_attribute("data-verdict") for r in rows}
    assert len(verdicts) == total, (total, text(page, "#test-status"))
    assert all(v == "PASS" for v in verdicts.values()), verdicts
    assert re.search(rf": done, {total} passed, 0 failed, 0 skipped", text(page, "#test-status"))
    assert not page.find_element(By.ID, "test-cancel").is_enabled()
    tab(page, "overview")
    for vm in ("rtos", "linux"):
        wait(page, lambda d: vm_state(d, vm) == "running", f"{vm} running again")


def test_cancel_stops_a_run_after_its_current_test(page):
    """Cancel the run: the run of all stops early, says so, and the VMs
    whose cores it borrowed run again."""
    tab(page, "tests")
    borrow = page.find_element(By.ID, "test-borrow")
    if not borrow.is_selected():
        borrow.click()
    total = int(re.search(r"\((\d+)\)", text(page, '#test-groups [data-group="all"]'))[1])
    click(page, '#test-groups [data-group="all"]', "the Run all button")
    status = page.find_element(By.ID, "test-status")
    wait(page, lambda d: status.get_attribute("data-state") == "running", "the run started")
    click(page, "#test-cancel:enabled", "the cancel button")
    wait(page, lambda d: status.get_attribute("data-state") == "done", "the run done",
         timeout=RUN_ALL_TIMEOUT)
    shot(page, "tests-cancelled")
    assert text(page, "#test-status").endswith(", cancelled"), text(page, "#test-status")
    ran = len(page.find_elements(By.CSS_SELECTOR, "#test-results tbody tr"))
    assert 0 < ran < total, (ran, total)
    tab(page, "overview")
    for vm in ("rtos", "linux"):
        wait(page, lambda d: vm_state(d, vm) == "running", f"{vm} running again")


FALLBACK_WAIT = 180  # two unanswered calls, each with its retries, then the switch


def test_the_serial_line_takes_over_when_the_ethernet_is_pulled(page, daemon):
    tab(page, "overview")
    assert attr(page, "body", "data-target").startswith("udp://")
    daemon.cable.plugged.clear()
    wait(page, lambda d: (attr(d, "body", "data-target") or "").startswith("serial:")
         and attr(d, "body", "data-link") == "up", "the calls on the serial line",
         timeout=FALLBACK_WAIT)
    shot(page, "fallback")
    click_action(page, "rtos", "pause")   # a call over the fallback
    wait(page, lambda d: vm_state(d, "rtos") == "paused", "rtos paused over serial")
    daemon.cable.plugged.set()
    wait(page, lambda d: (attr(d, "body", "data-target") or "").startswith("udp://")
         and attr(d, "body", "data-link") == "up", "the calls back on UDP",
         timeout=FALLBACK_WAIT)
    click_action(page, "rtos", "resume")
    wait(page, lambda d: vm_state(d, "rtos") == "running", "rtos running over UDP")


def test_the_daemon_dies_and_comes_back(page, daemon, zvm):
    tab(page, "overview")
    banner = page.find_element(By.ID, "banner")
    daemon.kill()
    wait(page, lambda d: banner.is_displayed() and "daemon" in banner.text, "the banner")
    shot(page, "daemon-down")
    assert zvm.proc.poll() is None  # ZVM runs on
    daemon.start(udp=False)
    wait(page, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-link") == "up",
         "the page back on the daemon and the daemon on ZVM")
    wait(page, lambda d: not banner.is_displayed(), "no banner")
    wait(page, lambda d: vm_state(d, "rtos") == "running", "the list again")
    assert attr(page, "body", "data-target").startswith("serial:")
    shot(page, "reconnected")


def restarts(driver, vm):
    return int(text(driver, f'#vm-table tr[data-vm="{vm}"] td:nth-child(8)'))


def fill_create_dialog(driver, template, vcpus, memory_mib, name, cores=()):
    click(driver, "#create-open", "the Create VM button")
    form = driver.find_element(By.ID, "create-form")
    wait(driver, lambda d: form.is_displayed(), "the create dialog")
    for core in cores:
        form.find_element(By.CSS_SELECTOR, f'#create-cores input[value="{core}"]').click()
    Select(form.find_element(By.NAME, "template")).select_by_visible_text(template)
    for field, value in (("vcpus", vcpus), ("memory_mib", memory_mib), ("name", name)):
        box = form.find_element(By.NAME, field)
        box.clear()
        box.send_keys(str(value))
    driver.find_element(By.ID, "create-ok").click()


def test_every_lifecycle_button_and_the_create_dialog(page):
    """Runs last: it deletes rtos to free core 1 for a VM made in the dialog."""
    tab(page, "overview")
    wait(page, lambda d: vm_state(d, "rtos") == "running", "rtos running")
    # Every core is held: the dialog says why and stays open.
    fill_create_dialog(page, "rtos", 1, 64, "extra")
    wait(page, lambda d: "free core" in (text(d, "#create-error") or ""), "the dialog's reason")
    assert page.find_element(By.ID, "create-dialog").is_displayed()
    page.find_element(By.CSS_SELECTOR, '#create-form button[value="cancel"]').click()
    # rtos takes no shutdown request: the button's call is refused, and says so.
    click_action(page, "rtos", "shutdown")
    wait(page, lambda d: "takes no shutdown request" in (text(d, "#banner") or ""),
         "the refusal in the banner")
    assert vm_state(page, "rtos") == "running"
    before = restarts(page, "rtos")
    for action, state in (("pause", "paused"), ("resume", "running"), ("restart", "running"),
                          ("stop", "stopped")):
        click_action(page, "rtos", action)
        wait(page, lambda d: vm_state(d, "rtos") == state, f"rtos {state} after {action}")
    assert restarts(page, "rtos") == before + 1
    click_action(page, "rtos", "delete")
    wait(page, lambda d: not d.find_elements(By.CSS_SELECTOR, '#vm-table tr[data-vm="rtos"]'),
         "rtos gone from the list")
    wait(page, lambda d: owner(d, 1) == "free", "core 1 free")
    fill_create_dialog(page, "rtos", 1, 64, "extra", cores=[1])
    wait(page, lambda d: vm_state(d, "extra") == "stopped", "extra created, stopped")
    assert not page.find_element(By.ID, "create-dialog").is_displayed()
    assert owner(page, 1) == "extra"
    click_action(page, "extra", "start")
    wait(page, lambda d: vm_state(d, "extra") == "running", "extra running")
    shot(page, "lifecycle")
