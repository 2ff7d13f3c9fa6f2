// The page's end of the daemon's WebSocket (docs/protocol.md, "visualzvm"):
// calls with promises, console text and events to listeners, and a
// reconnect by itself when the daemon goes away.
const RECONNECT_MS = 1000;

export class Daemon {
  constructor(url) {
    this.url = url;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = { open: [], close: [], link: [], event: [], console: [] };
    this.connected = false;
    this.connect();
  }

  on(kind, f) { this.listeners[kind].push(f); }
  emit(kind, arg) { for (const f of this.listeners[kind]) f(arg); }

  connect() {
    const ws = new WebSocket(this.url, "visualzvm");
    this.ws = ws;
    ws.onmessage = (m) => this.message(JSON.parse(m.data));
    ws.onclose = () => {
      const was = this.connected;
      this.connected = false;
      for (const p of this.pending.values()) p.reject(new Error("the daemon went away"));
      this.pending.clear();
      if (was) this.emit("close");
      setTimeout(() => this.connect(), RECONNECT_MS);
    };
  }

  message(m) {
    switch (m.type) {
      case "hello":
        this.connected = true;
        this.emit("open", m);
        this.emit("link", { state: m.link, target: m.target, console: m.console });
        break;
      case "link": this.emit("link", m); break;
      case "console": this.emit("console", m.data); break;
      case "event": this.emit("event", m.event); break;
      case "reply": {
        const p = this.pending.get(m.id);
        if (!p) break;
        this.pending.delete(m.id);
        if (m.reply.error) p.reject(new Error(m.reply.error.message));
        else p.resolve(m.reply.result);
        break;
      }
      case "busy": break;
      default: break;
    }
  }

  call(method, params) {
    if (!this.connected) return Promise.reject(new Error("no daemon"));
    const id = this.nextId++;
    const msg = { type: "call", id, method };
    if (params) msg.params = params;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify(msg));
    });
  }

  type(data) {
    if (this.connected) this.ws.send(JSON.stringify({ type: "console", data }));
  }
}
