// Live charts from ZVM's metrics events: counters become rates per second
// of ZVM's clock (time_ns) through rates(), or go in as they are (a clock
// offset); one series per key; a chart is rebuilt when its set of series
// changes (a VM created or deleted).
const HISTORY = 120; // samples kept per chart

export class RateChart {
  constructor(element, width = 460, height = 200) {
    this.element = element;
    this.width = width;
    this.height = height;
    this.samples = []; // {t, values: Map key -> rate}
    this.keys = [];
    this.plot = null;
  }

  push(tSeconds, values) {
    this.samples.push({ t: tSeconds, values });
    if (this.samples.length > HISTORY) this.samples.shift();
    const keys = [...new Set(this.samples.flatMap((s) => [...s.values.keys()]))].sort();
    if (keys.join("|") !== this.keys.join("|")) this.rebuild(keys);
    const data = [this.samples.map((s) => s.t)];
    for (const k of this.keys) data.push(this.samples.map((s) => s.values.get(k) ?? null));
    this.plot.setData(data);
    this.element.dataset.points = String(Number(this.element.dataset.points) + 1);
    this.element.dataset.last = JSON.stringify(Object.fromEntries(values));
  }

  rebuild(keys) {
    this.keys = keys;
    if (this.plot) this.plot.destroy();
    const colors = ["#3a6fd8", "#d8703a", "#2d8a4e", "#a03ad8", "#b3261e", "#1c9aa0", "#a56a00", "#555"];
    const series = [{}].concat(keys.map((k, i) => ({ label: k, stroke: colors[i % colors.length], width: 1.5 })));
    this.plot = new uPlot({ width: this.width, height: this.height, series,
      scales: { x: { time: false } }, axes: [{ label: "s" }, {}] },
      [[]].concat(keys.map(() => [])), this.element);
  }
}

// Differences of counters between two metrics samples, per second.
export function rates(prev, cur, pick) {
  const out = new Map();
  if (!prev) return out;
  const dt = (cur.time_ns - prev.time_ns) / 1e9;
  if (dt <= 0) return out;
  const before = new Map();
  for (const [k, v] of pick(prev)) before.set(k, v);
  for (const [k, v] of pick(cur)) {
    if (before.has(k) && v >= before.get(k)) out.set(k, (v - before.get(k)) / dt);
  }
  return out;
}
