// VisualZVM's dashboard: the board's cores, the VMs and their lifecycle,
// one VM's peripherals, live charts, ZVM's serial console and the built-in
// tests, all through the daemon (rpc.js) to ZVM's agent.
import { Daemon } from "./rpc.js";
import { RateChart, rates } from "./charts.js";

const LIST_REFRESH_MS = 5000;
const TEST_POLL_MS = 700;
const $ = (sel) => document.querySelector(sel);
const daemon = new Daemon(`ws://${location.host}/ws`);
const view = { vms: [], list: null, selected: null, listAt: 0, lastMetrics: null, link: "down" };

// --- banner and link state -------------------------------------------------
function banner() {
  const b = $("#banner");
  let text = "";
  if (!daemon.connected) text = "No connection to the visualzvm daemon: reconnecting... (ZVM runs on)";
  else if (view.link !== "up") text = `The link to ZVM is ${view.link}: reconnecting... (ZVM runs on)`;
  b.textContent = text;
  b.hidden = !text;
  const pill = $("#link-state");
  const state = daemon.connected ? view.link : "daemon down";
  pill.textContent = state;
  pill.className = "pill " + (daemon.connected ? view.link : "down");
  document.body.dataset.link = state;
}

daemon.on("open", (m) => {
  $("#metrics-rate").textContent = `a sample every ${m.metrics_ms} ms`;
  banner();
  refreshAll();
});
daemon.on("close", banner);
daemon.on("link", (m) => {
  const was = view.link;
  view.link = m.state;
  if (m.target) {
    document.body.dataset.target = m.target;
    $("#link-state").title = `calls: ${m.target}; console: ${m.console || m.target}`;
  }
  banner();
  if (m.state === "up" && was !== "up") refreshAll();
});

function refreshAll() {
  refreshList();
  loadTestGroups();
}

function showError(e) {
  console.warn(e);
  const note = $("#banner");
  if (note.hidden) { note.hidden = false; note.textContent = String(e.message || e); setTimeout(banner, 4000); }
}

// --- the VM list and the core map -----------------------------------------
async function refreshList() {
  try {
    view.list = await daemon.call("zvm.list");
    view.listAt = performance.now();
    renderList();
    renderCores();
    if (view.selected) refreshDetail();
  } catch (e) { /* the banner says why */ }
}

function uptime(vm) {
  if (vm.uptime_s === null || vm.uptime_s === undefined) return "-";
  let s = vm.uptime_s + (vm.state === "running" ? Math.floor((performance.now() - view.listAt) / 1000) : 0);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  s %= 60;
  return (h ? `${h}h ` : "") + (h || m ? `${m}m ` : "") + `${s}s`;
}

const ACTIONS = {
  running: ["pause", "shutdown", "stop", "restart"],
  paused: ["resume", "stop", "restart"],
  stopped: ["start", "delete"],
  crashed: ["start", "restart", "delete"],
  stuck: ["stop", "restart"],
};
const ALL_ACTIONS = ["start", "pause", "resume", "shutdown", "stop", "restart", "delete"];

function renderList() {
  const body = $("#vm-table tbody");
  body.replaceChildren();
  for (const vm of view.list.vms) {
    const tr = document.createElement("tr");
    tr.dataset.vm = vm.name;
    if (view.selected === vm.name) tr.className = "selected";
    const cells = [vm.id, vm.name, vm.os, vm.state, vm.cores.join(","), `${vm.memory_mib} MiB`, uptime(vm), vm.restarts];
    cells.forEach((v, i) => {
      const td = document.createElement("td");
      if (i === 1) {
        const a = document.createElement("a");
        a.href = "#overview";
        a.textContent = v;
        a.className = "vm-link";
        a.onclick = () => select(vm.name);
        td.append(a);
      } else td.textContent = v;
      if (i === 3) td.className = `state state-${vm.state}`;
      tr.append(td);
    });
    const td = document.createElement("td");
    td.className = "actions";
    const allowed = ACTIONS[vm.state] || ALL_ACTIONS;
    for (const action of ALL_ACTIONS) {
      const b = document.createElement("button");
      b.textContent = action;
      b.dataset.action = action;
      b.disabled = !allowed.includes(action);
      b.onclick = () => lifecycle(vm, action);
      td.append(b);
    }
    tr.append(td);
    body.append(tr);
  }
}

function renderCores() {
  const map = $("#core-map");
  const list = view.list;
  const owners = new Map();
  for (const vm of list.vms) for (const c of vm.cores) owners.set(c, vm);
  const count = Math.max(list.board_cores || 0, ...[...owners.keys()].map((c) => c + 1));
  map.replaceChildren();
  for (let c = 0; c < count; c++) {
    const div = document.createElement("div");
    div.dataset.core = c;
    const vm = owners.get(c);
    let owner = "free", kind = "free", label = `core ${c}`;
    if (c === list.zvm_core) { owner = "ZVM"; kind = "zvm"; label += " - hypervisor, agent, shell"; }
    if (vm) {
      owner = vm.name; kind = "vm" + (vm.cores.length > 1 ? " smp" : "");
      label += vm.cores.length > 1 ? ` - SMP (${vm.cores.length} cores)` : " - AMP (own core)";
      label += `, ${vm.state}`;
    }
    div.className = `core ${kind}`;
    div.dataset.owner = owner;
    div.innerHTML = `<div class="owner"></div><div class="label"></div>`;
    div.querySelector(".owner").textContent = owner;
    div.querySelector(".label").textContent = label;
    map.append(div);
  }
}

// A modal question; resolves true when confirmed.
function confirmAction(text) {
  const d = $("#confirm");
  $("#confirm-text").textContent = text;
  return new Promise((resolve) => {
    d.onclose = () => resolve(d.returnValue === "ok");
    d.returnValue = "";
    d.showModal();
  });
}

async function lifecycle(vm, action) {
  if (!(await confirmAction(`${action} VM '${vm.name}' (id ${vm.id})?`))) return;
  try {
    await daemon.call(`zvm.${action}`, { vm: vm.name });
  } catch (e) { showError(e); }
  if (action === "delete" && view.selected === vm.name) { view.selected = null; $("#vm-detail").hidden = true; }
  refreshList();
}

// --- create ---------------------------------------------------------------
$("#create-open").onclick = () => {
  $("#create-error").textContent = "";
  freeCoreBoxes();
  $("#create-dialog").showModal();
};

// A box per core no VM holds and ZVM does not keep; ticking sets the vCPU count.
function freeCoreBoxes() {
  const list = view.list, held = new Set(list ? list.vms.flatMap((vm) => vm.cores) : []);
  const set = $("#create-cores");
  set.querySelectorAll("label").forEach((l) => l.remove());
  for (let c = 0; list && c < list.board_cores; c++) {
    if (c === list.zvm_core || held.has(c)) continue;
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" name="core" value="${c}"> core ${c}`;
    label.querySelector("input").onchange = () => {
      const n = set.querySelectorAll("input:checked").length;
      if (n) $('#create-form [name="vcpus"]').value = n;
    };
    set.append(label);
  }
}
$("#create-ok").onclick = async (ev) => {
  ev.preventDefault();
  const f = new FormData($("#create-form"));
  const params = { template: f.get("template"), vcpus: Number(f.get("vcpus")), memory_mib: Number(f.get("memory_mib")) };
  if (f.get("name")) params.name = f.get("name");
  if (f.getAll("core").length) params.cores = f.getAll("core").join(",");
  try {
    await daemon.call("zvm.create", params);
    $("#create-dialog").close();
    refreshList();
  } catch (e) { $("#create-error").textContent = e.message; }
};

// --- one VM: peripherals and vCPUs ----------------------------------------
function select(name) {
  view.selected = name;
  renderList();
  refreshDetail();
}

function deviceWhere(d) {
  const hex = (n) => "0x" + Number(n).toString(16);
  if (d.kind === "mmio") return `${hex(d.base)} + ${hex(d.size)}`;
  if (d.base !== undefined) return hex(d.base);
  if (d.requests !== undefined) return `slot ${d.slot}: ${d.requests} requests, ${d.interrupts} interrupts, ${d.errors} errors`;
  return "";
}

async function refreshDetail() {
  let info;
  try { info = await daemon.call("zvm.info", { vm: view.selected }); } catch (e) { return; }
  $("#vm-detail").hidden = false;
  $("#detail-name").textContent = `${info.name} (id ${info.id})`;
  $("#detail-summary").textContent = `${info.os}, ${info.state}${info.reason && info.reason !== info.state ? " (" + info.reason + ")" : ""}; ` +
    `${info.memory.mib} MiB at guest 0x${info.memory.guest.toString(16)}; image ${info.image}; ` +
    `recovery ${info.recovery}; crashes ${info.crashes}; vGIC injected ${info.vgic.injected}, delivered ${info.vgic.delivered}` +
    (info.vgic.direct ? ", direct interrupts" : "");
  const dev = $("#detail-devices tbody");
  dev.replaceChildren();
  for (const d of info.devices) {
    const tr = document.createElement("tr");
    tr.dataset.kind = d.kind;
    for (const v of [d.kind, d.mode, d.intid ?? "-", deviceWhere(d)]) {
      const td = document.createElement("td"); td.textContent = v; tr.append(td);
    }
    dev.append(tr);
  }
  const vc = $("#detail-vcpus tbody");
  vc.replaceChildren();
  for (const v of info.vcpus) {
    const tr = document.createElement("tr");
    for (const x of [v.index, v.core, v.state, v.traps, v.mmio, v.sysreg, v.hypercalls, v.irqs, v.injected]) {
      const td = document.createElement("td"); td.textContent = x; tr.append(td);
    }
    vc.append(tr);
  }
}

// --- events and metrics ---------------------------------------------------
const charts = {
  traps: new RateChart($("#chart-traps")),
  irqs: new RateChart($("#chart-irqs")),
  reasons: new RateChart($("#chart-reasons")),
  cpu: new RateChart($("#chart-cpu")),
  offset: new RateChart($("#chart-offset")), // values as they are, not rates
};
const perVcpu = (field) => (m) => m.vms.flatMap((vm) =>
  vm.vcpus.map((v, i) => [`${vm.name}.${i}`, v[field]]));

function byReason(m) {
  const vm = m.vms.find((x) => x.name === $("#reason-vm").value) || m.vms[0];
  if (!vm) return [];
  const sum = (f) => vm.vcpus.reduce((a, v) => a + v[f], 0);
  const other = sum("traps") - sum("mmio") - sum("sysreg") - sum("hypercalls");
  return [["mmio", sum("mmio")], ["sysreg", sum("sysreg")], ["hypercall", sum("hypercalls")], ["other", other]];
}

function reasonChoices(m) {
  const sel = $("#reason-vm");
  const names = m.vms.map((vm) => vm.name);
  if ([...sel.options].map((o) => o.value).join() === names.join()) return;
  const keep = sel.value;
  sel.replaceChildren(...names.map((n) => new Option(n, n)));
  if (names.includes(keep)) sel.value = keep;
}
$("#reason-vm").onchange = () => { charts.reasons.samples = []; };

// ns of core time per second of ZVM's clock, as a share of the core.
const NS_PER_PERCENT = 1e7;
const WHOLE_CORE = 100;
const percent = (perSecond) => new Map([...perSecond].map(([k, ns]) => [k, ns / NS_PER_PERCENT]));

// Each vCPU's shares: guest and ZVM (list registers), or idle (direct
// delivery, whose trapped WFI is all ZVM tells apart): docs/protocol.md.
function cpuShares(prev, m) {
  const share = (field) => percent(rates(prev, m, perVcpu(field)));
  return { guest: share("guest_ns"), el2: share("el2_ns"), idle: share("idle_ns") };
}

// What the CPU chart plots: the guest's share, or the busy one (not idle).
function cpuUse({ guest, idle }) {
  const use = new Map(guest);
  for (const [k, pct] of idle) use.set(k, WHOLE_CORE - pct);
  return use;
}

// Figures the agent may not report: said so, never made up.
function statusFigures(prev, m) {
  const { guest, el2, idle } = cpuShares(prev, m);
  const pct = (x) => `${x.toFixed(1)}%`;
  const cpu = [...guest.keys()].map((k) => `${k} guest ${pct(guest.get(k))}, ZVM ${pct(el2.get(k) ?? 0)}`)
    .concat([...idle.keys()].map((k) => `${k} busy ${pct(WHOLE_CORE - idle.get(k))}, idle ${pct(idle.get(k))}`));
  $("#metric-cpu").textContent = cpu.length ? cpu.join("; ") : "waiting for two samples";
  const zshm = m.vms.filter((vm) => vm.zshm !== undefined);
  $("#metric-zshm").textContent = zshm.length
    ? zshm.map((vm) => `${vm.name}: ${vm.zshm.channels} channel(s), ${vm.zshm.doorbells_rung} doorbells`).join("; ")
    : "no VM is a member of a Zshm channel";
  const time = m.vms.filter((vm) => vm.time_offset_ns !== undefined);
  $("#metric-time").textContent = time.length ? time.map((vm) => `${vm.name} ${vm.time_offset_ns} ns (${vm.time_by})`).join(", ")
    : "not reported by ZVM's agent yet (zvm time on the shell)";
  const cache = m.cache;
  $("#metric-cache").textContent = cache === undefined ? "not reported by ZVM's agent yet"
    : cache.counted === false ? cache.reason || "not counted by this CPU" : JSON.stringify(cache);
}

function metrics(m) {
  const prev = view.lastMetrics;
  view.lastMetrics = m;
  const t = m.time_ns / 1e9;
  reasonChoices(m);
  if (prev) {
    charts.traps.push(t, rates(prev, m, perVcpu("traps")));
    charts.irqs.push(t, rates(prev, m, perVcpu("injected")));
    charts.reasons.push(t, rates(prev, m, byReason));
    charts.cpu.push(t, cpuUse(cpuShares(prev, m)));
  }
  charts.offset.push(t, new Map(m.vms.filter((vm) => vm.time_offset_ns !== undefined)
    .map((vm) => [vm.name, vm.time_offset_ns / 1000])));
  statusFigures(prev, m);
  if (view.list) {
    // States come with every sample: a change the list has not seen yet.
    const known = new Map(view.list.vms.map((vm) => [vm.id, vm.state]));
    if (m.vms.some((vm) => known.get(vm.id) !== vm.state) || m.vms.length !== known.size) refreshList();
  }
}

// A run's progress as ZVM reports it, whoever started it (the page, zvmctl, the shell).
function testRunEvent(run) {
  if (testRunning) return; // the page's own run is followed by its loop
  if (view.testRun !== run.number) $("#test-results tbody").replaceChildren();
  view.testRun = run.number;
  const status = $("#test-status");
  status.textContent = `Run ${run.number} (${run.selector}): ${run.state}, ${run.passed} passed, ` +
    `${run.failed} failed, ${run.skipped} skipped`;
}

daemon.on("event", (ev) => {
  if (ev.method === "event.metrics") metrics(ev.params);
  else if (ev.method === "event.vm") refreshList();
  else if (ev.method === "event.test" && ev.params.result) addResult(ev.params.result);
  else if (ev.method === "event.test_run") testRunEvent(ev.params);
});

// --- the console ----------------------------------------------------------
const term = new Terminal({ convertEol: true, cols: 120, rows: 30, scrollback: 5000 });
term.open($("#terminal"));
term.onData((data) => daemon.type(data));
daemon.on("console", (data) => term.write(data));
// For tests and scripts: the console's text as the terminal shows it.
window.vzConsoleText = () => {
  const b = term.buffer.active, lines = [];
  for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));
  return lines.join("\n");
};

// --- tests ----------------------------------------------------------------
async function loadTestGroups() {
  let list;
  try { list = await daemon.call("zvm.test.list"); } catch (e) { return; }
  const groups = [...new Set(list.tests.map((t) => t.group))];
  const div = $("#test-groups");
  div.replaceChildren(testButton("all", list.tests.length));
  for (const g of groups) testButton(g, list.tests.filter((t) => t.group === g).length, div);
}

// A button that runs `selector` (a group, or "all": zvm test run's own word).
function testButton(selector, count, parent) {
  const b = document.createElement("button");
  b.className = selector === "all" ? "test-group test-all" : "test-group";
  b.dataset.group = selector;
  b.textContent = `${selector === "all" ? "Run all" : selector} (${count})`;
  b.onclick = () => runTests(selector);
  if (parent) parent.append(b);
  return b;
}

// Stops the run after its current test (zvm test cancel), whoever started it.
$("#test-cancel").onclick = async () => {
  try { await daemon.call("zvm.test.cancel"); } catch (e) {
    $("#test-status").textContent = `Cancelling failed: ${e.message}`;
  }
};

function renderResults(res) {
  $("#test-results tbody").replaceChildren();
  for (const r of res.results) addResult(r);
}

// One result row (from zvm.test.results, or an event.test as it comes).
function addResult(r) {
  const body = $("#test-results tbody");
  const key = `${r.name}#${r.round}`;
  if ([...body.children].some((tr) => tr.dataset.key === key)) return;
  const tr = document.createElement("tr");
  tr.dataset.key = key;
  tr.dataset.test = r.name;
  tr.dataset.verdict = r.verdict;
  for (const v of [r.name, r.verdict, r.round, r.time_us, r.reason ?? ""]) {
    const td = document.createElement("td"); td.textContent = v; tr.append(td);
  }
  tr.children[1].className = `verdict-${String(r.verdict).toLowerCase()}`;
  body.append(tr);
}

let testRunning = false;
async function runTests(group) {
  if (testRunning) return;
  testRunning = true;
  const status = $("#test-status");
  try {
    const params = { selector: group };
    if ($("#test-borrow").checked) params.borrow = 1;
    const started = await daemon.call("zvm.test.run", params);
    status.textContent = `Run ${started.run} of '${group}' started.`;
    status.dataset.state = "running";
    $("#test-cancel").disabled = false;
    for (;;) {
      await new Promise((r) => setTimeout(r, TEST_POLL_MS));
      const s = await daemon.call("zvm.test.status");
      renderResults(await daemon.call("zvm.test.results"));
      status.textContent = `Run ${s.run} (${s.selector}): ${s.state}, ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped` +
        (s.cancelled ? ", cancelled" : "");
      if (s.state !== "running") { status.dataset.state = s.state; break; }
    }
  } catch (e) {
    status.textContent = `The run of '${group}' failed: ${e.message}`;
    status.dataset.state = "error";
  }
  $("#test-cancel").disabled = true;
  testRunning = false;
}

// --- tabs -----------------------------------------------------------------
function showTab() {
  const tab = (location.hash || "#overview").slice(1);
  for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== tab;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.tab === tab);
  if (tab === "console") term.focus();
}
window.addEventListener("hashchange", showTab);
showTab();
banner();
setInterval(() => { if (daemon.connected && view.link === "up") refreshList(); }, LIST_REFRESH_MS);
