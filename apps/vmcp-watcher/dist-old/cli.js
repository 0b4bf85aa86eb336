var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res) => function __init() {
  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/http/respond.ts
function sendJson(req, res, status, body, headers = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(payload),
    ...headers
  });
  res.end(req.method === "HEAD" ? void 0 : payload);
}
function notFound(req, res, what = {}) {
  sendJson(req, res, 404, { error: "not_found", ...what });
}
var init_respond = __esm({
  "src/http/respond.ts"() {
    "use strict";
  }
});

// src/http/json-stream.ts
import { once } from "node:events";
async function writePieces(res, pieces) {
  for (const piece of pieces) {
    if (res.destroyed || res.writableEnded) return false;
    if (!res.write(piece)) {
      const drained = await Promise.race([once(res, "drain").then(() => true), once(res, "close").then(() => false)]);
      if (!drained) return false;
    }
  }
  return !res.destroyed;
}
function* jsonArray(values) {
  yield "[";
  let first = true;
  for (const value of values) {
    yield first ? value : `,${value}`;
    first = false;
  }
  yield "]";
}
var init_json_stream = __esm({
  "src/http/json-stream.ts"() {
    "use strict";
  }
});

// src/http/paging.ts
function encodeContinue(id) {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, after: id })).toString("base64url");
}
function decodeContinue(token) {
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(token)) return void 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof parsed !== "object" || parsed === null) return void 0;
    const { v, after } = parsed;
    return v === TOKEN_VERSION && typeof after === "string" && after !== "" ? after : void 0;
  } catch {
    return void 0;
  }
}
function parsePageRequest(url, limits) {
  const rawLimit = url.searchParams.get("limit");
  let limit = limits.defaultPageSize;
  if (rawLimit !== null && rawLimit !== "") {
    if (!/^[0-9]{1,9}$/.test(rawLimit) || Number(rawLimit) < 1) return { error: "limit must be a whole number from 1" };
    limit = Math.min(Number(rawLimit), limits.maxPageSize);
  }
  const rawContinue = url.searchParams.get("continue");
  if (rawContinue === null || rawContinue === "") return { limit, after: void 0 };
  const after = decodeContinue(rawContinue);
  if (after === void 0) return { error: "continue must be a token from a previous page of this list" };
  return { limit, after };
}
function cutPage(backends, request, version) {
  const sorted = backends.sort(byId);
  let start = 0;
  if (request.after !== void 0) {
    const after = request.after;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = lo + hi >>> 1;
      if (sorted[mid].id <= after) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const items = sorted.slice(start, start + request.limit);
  const remaining = sorted.length - start - items.length;
  const last = items.at(-1);
  const continueToken = remaining > 0 && last !== void 0 ? encodeContinue(last.id) : void 0;
  return { items, continueToken, remaining, count: sorted.length, version };
}
var TOKEN_VERSION, byId;
var init_paging = __esm({
  "src/http/paging.ts"() {
    "use strict";
    TOKEN_VERSION = 1;
    byId = (a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }
});

// src/http/routes/backends.ts
function* mapped(items, toJson) {
  for (const item of items) yield toJson(item);
}
function* listBody(ctx, page) {
  const head = {
    namespace: ctx.namespace,
    groupRef: ctx.groupRef,
    version: page.version,
    synced: ctx.watcher?.hasSynced() ?? true,
    count: page.count,
    remainingItemCount: page.remaining
  };
  if (page.continueToken !== void 0) head["continue"] = page.continueToken;
  yield `${JSON.stringify(head).slice(0, -1)},"backends":`;
  yield* jsonArray(mapped(page.items, (b) => ctx.publicJson.json(b)));
  const view = ctx.watcher?.view();
  yield ',"excluded":';
  yield* jsonArray(mapped(view?.exclusions ?? [], (e) => JSON.stringify(e)));
  yield `,"conflicts":${JSON.stringify(view?.conflicts ?? [])},"watches":${JSON.stringify(view?.kinds ?? [])}}`;
}
function listBackendsRoute(ctx) {
  return async (req, res, url) => {
    const request = parsePageRequest(url, ctx.limits);
    if ("error" in request) {
      sendJson(req, res, 400, { error: "bad_request", message: request.error });
      return;
    }
    const version = ctx.registry.version();
    const page = cutPage(ctx.registry.list(), request, version);
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    if (await writePieces(res, listBody(ctx, page))) res.end();
  };
}
function getBackendRoute(ctx) {
  return (req, res, id) => {
    const backend = ctx.registry.get(id);
    if (backend !== void 0) {
      const body = `{"version":${ctx.registry.version()},"backend":${ctx.publicJson.json(backend)}}`;
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? void 0 : body);
      return;
    }
    const excluded = ctx.watcher?.view().exclusions.find((e) => e.name === id);
    notFound(req, res, excluded === void 0 ? { id } : { id, excluded });
  };
}
var init_backends = __esm({
  "src/http/routes/backends.ts"() {
    "use strict";
    init_json_stream();
    init_paging();
    init_respond();
  }
});

// src/sse-reset.ts
function* resetFramePieces(snapshot, mode, serialize) {
  const id = `${snapshot.epoch}.${snapshot.version}`;
  const head = `event: reset
data: {"version":${snapshot.version},"epoch":"${snapshot.epoch}","count":${snapshot.backends.length}`;
  if (mode === "version") {
    yield `${head}}
id: ${id}

`;
    return;
  }
  yield `${head},"backends":[`;
  let first = true;
  for (const backend of snapshot.backends) {
    yield first ? serialize(backend) : `,${serialize(backend)}`;
    first = false;
  }
  yield `]}
id: ${id}

`;
}
var init_sse_reset = __esm({
  "src/sse-reset.ts"() {
    "use strict";
  }
});

// src/sse.ts
import { randomBytes } from "node:crypto";
import { Fifo } from "@vmcp/kube-watcher";
import { toPublicBackend } from "@vmcp/registry";
function newEpoch() {
  return `${Date.now().toString(36)}${randomBytes(4).readUInt32BE(0).toString(36).padStart(7, "0")}`;
}
function parseEventId(raw) {
  const m = /^(?:([a-z0-9]{1,32})\.)?(\d{1,15})$/.exec(raw.trim());
  if (m === null) return void 0;
  return { epoch: m[1], version: Number(m[2]) };
}
function frame(event, data, id) {
  return `${id === void 0 ? "" : `id: ${id}
`}event: ${event}
data: ${data}

`;
}
function byName(a, b) {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
var EPOCH_PATTERN, EventHub;
var init_sse = __esm({
  "src/sse.ts"() {
    "use strict";
    init_json_stream();
    init_sse_reset();
    EPOCH_PATTERN = /^[a-z0-9]{1,32}$/;
    EventHub = class {
      #registry;
      #logger;
      #bufferSize;
      #maxClients;
      #maxBuffered;
      #retryMs;
      #buffer = new Fifo();
      /** This process's epoch: the first half of every event id. */
      epoch;
      #clients = /* @__PURE__ */ new Set();
      /** Clients whose reset is still being written, with what happened meanwhile. */
      #resetting = /* @__PURE__ */ new Map();
      #serialize;
      #unsubscribe;
      #heartbeat;
      #closed = false;
      #lastStatus;
      constructor(options) {
        this.#registry = options.registry;
        this.#logger = options.logger;
        this.#bufferSize = Math.max(1, options.bufferSize ?? 1e3);
        this.#maxClients = options.maxClients ?? 100;
        this.#maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
        this.#retryMs = options.retryMs ?? 2e3;
        this.epoch = options.epoch ?? newEpoch();
        if (!EPOCH_PATTERN.test(this.epoch)) throw new Error(`event stream epoch must be 1-32 lower-case letters or digits, got ${JSON.stringify(this.epoch)}`);
        this.#serialize = options.serialize ?? ((backend) => JSON.stringify(toPublicBackend(backend)));
        this.#unsubscribe = this.#registry.subscribe((event) => this.#onRegistryEvent(event));
        this.#heartbeat = setInterval(() => this.#broadcast(`: heartbeat ${(/* @__PURE__ */ new Date()).toISOString()}

`), options.heartbeatMs ?? 15e3);
        this.#heartbeat.unref();
      }
      /** Clients currently connected. */
      get clientCount() {
        return this.#clients.size;
      }
      /** Oldest version a client can resume from without a reset (its `since` may be one less than this). */
      get oldestBufferedVersion() {
        return this.#buffer.peek()?.version;
      }
      /** The event id of `version` in this process: `<epoch>.<version>`. */
      eventId(version) {
        return `${this.epoch}.${version}`;
      }
      #onRegistryEvent(event) {
        const backend = event.type === "upsert" ? event.backend : event.previous;
        const data = this.#serialize(backend);
        const buffered = { version: event.version, frame: frame(event.type, data, this.eventId(event.version)) };
        this.#buffer.push(buffered);
        if (this.#buffer.length > this.#bufferSize) this.#buffer.shift();
        this.#broadcast(buffered.frame);
      }
      /**
       * Sends a `status` event (no id, so it does not move a client's resume point): sync state and the like, for the
       * status page. Repeats of the same payload are dropped.
       */
      publishStatus(status) {
        const data = JSON.stringify(status);
        if (data === this.#lastStatus) return;
        this.#lastStatus = data;
        this.#broadcast(frame("status", data));
      }
      /** The current list, by reference: what a reset will write. */
      #resetSnapshot() {
        return { version: this.#registry.version(), epoch: this.epoch, backends: this.#registry.list().sort(byName) };
      }
      /** Frames that bring a client from `resume` to now, or the list its reset must stream. */
      #catchUp(resume) {
        if (resume.kind === "snapshot") return this.#resetSnapshot();
        if (resume.epoch !== this.epoch) return this.#resetSnapshot();
        const current = this.#registry.version();
        const since = resume.version;
        if (since === current) return "";
        if (since > current) return this.#resetSnapshot();
        const oldest = this.#buffer.peek()?.version;
        if (oldest === void 0 || since < oldest - 1) return this.#resetSnapshot();
        let out = "";
        for (const e of this.#buffer) if (e.version > since) out += e.frame;
        return out;
      }
      /**
       * Takes over `res` as an event stream. Returns false (and answers 503) when the client limit is reached or the
       * hub is closed. Catch-up and registration happen in one synchronous step, so no event falls in between.
       */
      attach(req, res, resume, resetMode = "full") {
        if (this.#closed || this.#clients.size >= this.#maxClients) {
          const body = JSON.stringify({ error: this.#closed ? "shutting_down" : "too_many_clients", maxClients: this.#maxClients });
          res.writeHead(503, { "content-type": "application/json", "retry-after": "5", "content-length": Buffer.byteLength(body) });
          res.end(body);
          return false;
        }
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          connection: "keep-alive",
          // Tells nginx-style proxies not to buffer the stream.
          "x-accel-buffering": "no"
        });
        req.socket.setNoDelay(true);
        req.socket.setKeepAlive(true);
        const catchUp = this.#catchUp(resume);
        const status = this.#lastStatus === void 0 ? "" : frame("status", this.#lastStatus);
        this.#clients.add(res);
        res.once("close", () => {
          this.#clients.delete(res);
          this.#resetting.delete(res);
        });
        if (typeof catchUp === "string") {
          res.write(`retry: ${this.#retryMs}

${catchUp}${status}`);
          return true;
        }
        res.write(`retry: ${this.#retryMs}

`);
        this.#resetting.set(res, { frames: status === "" ? [] : [status], bytes: status.length });
        this.#streamReset(res, catchUp, resetMode).catch((error) => {
          this.#logger.error("writing a reset failed; the client is disconnected", { error });
          this.#drop(res);
        });
        return true;
      }
      async #streamReset(res, snapshot, mode) {
        const complete = await writePieces(res, resetFramePieces(snapshot, mode, this.#serialize));
        const pending = this.#resetting.get(res);
        this.#resetting.delete(res);
        if (!complete || pending === void 0) return;
        if (pending.frames.length > 0) res.write(pending.frames.join(""));
      }
      #drop(client) {
        this.#clients.delete(client);
        this.#resetting.delete(client);
        client.destroy();
      }
      #broadcast(text) {
        for (const client of this.#clients) {
          if (client.destroyed) {
            this.#clients.delete(client);
            continue;
          }
          const pending = this.#resetting.get(client);
          if (pending !== void 0) {
            if (text.startsWith(":")) continue;
            pending.frames.push(text);
            pending.bytes += text.length;
            if (pending.bytes > this.#maxBuffered) {
              this.#logger.warn("dropping an event-stream client: too many events while its reset was written", { bufferedBytes: pending.bytes });
              this.#drop(client);
            }
            continue;
          }
          client.write(text);
          if (client.writableLength > this.#maxBuffered) {
            this.#logger.warn("dropping a slow event-stream client", { bufferedBytes: client.writableLength });
            this.#drop(client);
          }
        }
      }
      /** Ends every stream and stops listening to the registry. Idempotent. */
      close() {
        if (this.#closed) return;
        this.#closed = true;
        clearInterval(this.#heartbeat);
        this.#unsubscribe();
        for (const client of this.#clients) client.end();
        this.#clients.clear();
        this.#resetting.clear();
      }
    };
  }
});

// src/http/routes/events.ts
function resumePointOf(req, url) {
  const header = req.headers["last-event-id"];
  const raw = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("since") ?? void 0;
  if (raw === void 0 || raw === "") return { kind: "snapshot" };
  const id = parseEventId(raw);
  if (id === void 0) {
    return { error: `${header === void 0 ? "since" : "Last-Event-ID"} must be an event id (<epoch>.<version>, as sent in the stream)` };
  }
  return { kind: "since", epoch: id.epoch, version: id.version };
}
function resetModeOf(url) {
  const raw = url.searchParams.get("reset");
  if (raw === null || raw === "" || raw === "full") return "full";
  if (raw === "version") return "version";
  return { error: "reset must be full or version" };
}
function eventsRoute(ctx) {
  return (req, res, url) => {
    const resume = resumePointOf(req, url);
    const resetMode = resetModeOf(url);
    if ("error" in resume) {
      sendJson(req, res, 400, { error: "bad_request", message: resume.error });
      return;
    }
    if (typeof resetMode === "object") {
      sendJson(req, res, 400, { error: "bad_request", message: resetMode.error });
      return;
    }
    if (!ctx.hub.attach(req, res, resume, resetMode)) ctx.logger.warn("event-stream client refused", { clients: ctx.hub.clientCount });
  };
}
var init_events = __esm({
  "src/http/routes/events.ts"() {
    "use strict";
    init_sse();
    init_respond();
  }
});

// src/http/routes/health.ts
import { livenessHandler, readinessHandler } from "@vmcp/readiness";
function healthRoutes(ctx) {
  return {
    liveness: livenessHandler({ watcher: ctx.watcher }),
    readiness: readinessHandler({
      watcher: ctx.watcher,
      timeoutMs: ctx.readinessTimeoutMs,
      onError: (error) => ctx.logger.warn("readiness check failed", { error })
    })
  };
}
var init_health = __esm({
  "src/http/routes/health.ts"() {
    "use strict";
  }
});

// src/http/routes/metrics.ts
function metricsRoute(ctx) {
  return (req, res) => {
    const { register } = ctx.metrics;
    register.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": register.contentType, "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? void 0 : text);
      },
      (error) => {
        ctx.logger.error("collecting metrics failed", { error });
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("collecting metrics failed\n");
      }
    );
  };
}
var init_metrics = __esm({
  "src/http/routes/metrics.ts"() {
    "use strict";
  }
});

// src/status-page.ts
import { randomBytes as randomBytes2 } from "node:crypto";
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
function newNonce() {
  return randomBytes2(16).toString("base64");
}
function statusPageCsp(nonce) {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join("; ");
}
function renderStatusPage(info, nonce) {
  const group = escapeHtml(info.groupRef);
  const namespace = escapeHtml(info.namespace);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>vmcp-watcher \u2014 ${group}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-synced="false">
<header>
  <h1>vmcp-watcher</h1>
  <span>group <strong id="group">${group}</strong></span>
  <span>namespace <strong id="namespace">${namespace}</strong></span>
  <span>cache <span id="sync" class="badge warn">syncing\u2026</span></span>
  <span>stream <span id="stream" class="badge warn">connecting\u2026</span></span>
  <span class="muted">registry version <span id="version">\u2013</span> \xB7 v${escapeHtml(info.version)}</span>
</header>
<h2>Backends (<span id="count">0</span>)</h2>
<table>
  <thead><tr><th>name</th><th>kind</th><th>URL</th><th>transport</th><th>health</th><th>auth</th></tr></thead>
  <tbody id="backends"></tbody>
</table>
<p id="empty" class="muted">No backend in this group yet.</p>
<h2>Not served</h2>
<ul id="excluded"></ul>
<p id="excluded-none" class="muted">Every object in the group is served.</p>
<h2>Recent changes</h2>
<ul id="changes"></ul>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
var STYLE, SCRIPT;
var init_status_page = __esm({
  "src/status-page.ts"() {
    "use strict";
    STYLE = `
:root { color-scheme: light dark; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --muted:#6e7781; --line:#d0d7de; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 1.5rem 2rem; }
header { display:flex; flex-wrap:wrap; align-items:baseline; gap:.75rem 1.5rem; margin-bottom:1rem; }
h1 { font-size:1.3rem; margin:0; } h2 { font-size:1.05rem; margin:1.5rem 0 .5rem; }
.badge { display:inline-block; padding:.1rem .55rem; border-radius:1rem; font-size:.8rem; font-weight:600; border:1px solid currentColor; }
.ok { color:var(--ok); } .warn { color:var(--warn); } .bad { color:var(--bad); } .muted { color:var(--muted); }
table { border-collapse:collapse; width:100%; } th, td { text-align:left; padding:.35rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.8rem; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.85rem; word-break:break-all; }
.auth-field { display:block; font-size:.8rem; } ul { padding-left:1.2rem; margin:.25rem 0; }
#changes li { font-size:.85rem; } .flash { animation: flash 1.2s ease-out; }
@keyframes flash { from { background: rgba(255, 213, 0, .45); } to { background: transparent; } }
`;
    SCRIPT = `
const backends = new Map();
let exclusions = [];
const changes = [];
const $ = (id) => document.getElementById(id);
const KINDS = { mcp_server: 'MCPServer', remote_proxy: 'MCPRemoteProxy', server_entry: 'MCPServerEntry' };
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; }
function healthClass(h) { return h === 'healthy' ? 'ok' : h === 'unhealthy' ? 'bad' : 'warn'; }
function authCell(b) {
  const td = el('td');
  const a = b.authConfig;
  td.append(el('code', a ? a.type : 'unauthenticated'));
  if (b.authConfigRef) td.append(el('span', 'ref: ' + b.authConfigRef, 'auth-field muted'));
  if (a) {
    for (const [key, value] of Object.entries(a)) {
      if (key === 'type' || key === 'redacted' || value === null || typeof value !== 'object') continue;
      for (const [field, v] of Object.entries(value)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') td.append(el('span', field + ': ' + v, 'auth-field muted'));
      }
    }
    if (Array.isArray(a.redacted) && a.redacted.length) td.append(el('span', 'secret set: ' + a.redacted.join(', '), 'auth-field muted'));
  }
  return td;
}
function renderBackends(flashId) {
  const body = $('backends');
  body.replaceChildren();
  const list = [...backends.values()].sort((x, y) => x.name.localeCompare(y.name));
  for (const b of list) {
    const tr = el('tr'); tr.dataset.backend = b.id;
    if (b.id === flashId) tr.className = 'flash';
    tr.append(el('td', b.name), el('td', KINDS[(b.metadata || {}).workload_type] || b.type || '?'));
    const url = el('td'); url.append(el('code', b.baseUrl)); tr.append(url);
    tr.append(el('td', b.transportType));
    const h = el('td'); h.append(el('span', b.healthStatus, 'badge ' + healthClass(b.healthStatus))); tr.append(h);
    tr.append(authCell(b));
    body.append(tr);
  }
  $('count').textContent = String(list.length);
  $('empty').hidden = list.length > 0;
}
function renderExclusions() {
  const ul = $('excluded'); ul.replaceChildren();
  for (const x of exclusions) {
    const li = el('li'); li.dataset.excluded = x.name;
    li.append(el('code', x.name), el('span', ' ' + (x.kind || '') + ' \u2014 ' + x.reason.code + ': ' + x.reason.message, 'muted'));
    ul.append(li);
  }
  $('excluded-none').hidden = exclusions.length > 0;
}
function addChange(type, b, version) {
  changes.unshift({ type, name: b.name, version, at: new Date() });
  changes.length = Math.min(changes.length, 25);
  const ul = $('changes'); ul.replaceChildren();
  for (const c of changes) ul.append(el('li', c.at.toLocaleTimeString() + '  v' + c.version + '  ' + c.type + '  ' + c.name));
}
function setSync(s) {
  const badge = $('sync');
  if (s.fatalError) { badge.textContent = 'watcher failed'; badge.className = 'badge bad'; }
  else if (s.synced) { badge.textContent = 'in sync'; badge.className = 'badge ok'; }
  else { badge.textContent = 'syncing\u2026'; badge.className = 'badge warn'; }
  document.body.dataset.synced = String(!!s.synced);
}
function connect() {
  const es = new EventSource('api/v1/events');
  es.onopen = () => { $('stream').textContent = 'live'; $('stream').className = 'badge ok'; };
  es.onerror = () => { $('stream').textContent = 'reconnecting\u2026'; $('stream').className = 'badge warn'; };
  es.addEventListener('reset', (e) => {
    const p = JSON.parse(e.data); backends.clear();
    for (const b of p.backends) backends.set(b.id, b);
    $('version').textContent = String(p.version); renderBackends();
  });
  es.addEventListener('upsert', (e) => {
    const b = JSON.parse(e.data); backends.set(b.id, b);
    $('version').textContent = e.lastEventId; renderBackends(b.id); addChange('upsert', b, e.lastEventId);
  });
  es.addEventListener('remove', (e) => {
    const b = JSON.parse(e.data); backends.delete(b.id);
    $('version').textContent = e.lastEventId; renderBackends(); addChange('remove', b, e.lastEventId);
  });
  es.addEventListener('status', (e) => {
    const s = JSON.parse(e.data); setSync(s);
    exclusions = s.exclusions || []; renderExclusions();
  });
}
connect();
`;
  }
});

// src/http/routes/page.ts
function pageRoute(ctx) {
  return (req, res) => {
    const nonce = newNonce();
    const html = renderStatusPage({ groupRef: ctx.groupRef, namespace: ctx.namespace, version: ctx.version }, nonce);
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": statusPageCsp(nonce),
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "content-length": Buffer.byteLength(html)
    });
    res.end(req.method === "HEAD" ? void 0 : html);
  };
}
var init_page = __esm({
  "src/http/routes/page.ts"() {
    "use strict";
    init_status_page();
  }
});

// src/http/routes/status.ts
function toStatus(backend) {
  return {
    name: backend.name,
    health: backend.healthStatus,
    transport: backend.transportType,
    // Upstream reports `unauthenticated` when there is no strategy. Only the type: never the strategy itself.
    auth_type: backend.authConfig?.type ?? "unauthenticated"
  };
}
function buildStatus(ctx) {
  const backends = ctx.registry.list().map(toStatus).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    backends,
    healthy: backends.some((b) => b.health === "healthy"),
    version: ctx.version,
    group_ref: ctx.groupRef,
    registry_version: ctx.registry.version(),
    synced: ctx.watcher?.hasSynced() ?? true,
    namespace: ctx.namespace
  };
}
function statusRoute(ctx) {
  return (req, res) => sendJson(req, res, 200, buildStatus(ctx));
}
var init_status = __esm({
  "src/http/routes/status.ts"() {
    "use strict";
    init_respond();
  }
});

// src/http/server.ts
import http from "node:http";
function createRequestListener(ctx) {
  const { liveness, readiness } = healthRoutes(ctx);
  const status = statusRoute(ctx);
  const list = listBackendsRoute(ctx);
  const one = getBackendRoute(ctx);
  const events = eventsRoute(ctx);
  const metrics = metricsRoute(ctx);
  const page = pageRoute(ctx);
  const exact = {
    "/": page,
    // Called without `next`: the handlers answer whatever they are given (the table already matched the path).
    "/health": (req, res) => liveness(req, res),
    "/healthz": (req, res) => liveness(req, res),
    "/ping": (req, res) => liveness(req, res),
    "/readyz": (req, res) => readiness(req, res),
    "/status": status,
    "/api/v1/backends": list,
    "/api/v1/events": events,
    "/metrics": metrics
  };
  const guarded = (req, res, handle) => {
    const fail2 = (error) => failRequest(ctx, req, res, error);
    try {
      const pending = handle();
      if (pending !== void 0) pending.catch(fail2);
    } catch (error) {
      fail2(error);
    }
  };
  return (req, res) => guarded(req, res, () => dispatch(req, res));
  function dispatch(req, res) {
    res.setHeader("x-content-type-options", "nosniff");
    let url;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      sendJson(req, res, 400, { error: "bad_request" });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(req, res, 405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
      return;
    }
    const route = exact[url.pathname];
    if (route !== void 0) return route(req, res, url);
    const match = BACKEND_PATH.exec(url.pathname);
    if (match?.[1] !== void 0) {
      let id;
      try {
        id = decodeURIComponent(match[1]);
      } catch {
        sendJson(req, res, 400, { error: "bad_request" });
        return;
      }
      one(req, res, id);
      return;
    }
    notFound(req, res, { path: url.pathname });
  }
}
function failRequest(ctx, req, res, error) {
  const path = (req.url ?? "").split("?", 1)[0];
  ctx.logger.error("request failed", { method: req.method, path, error });
  if (!res.headersSent) {
    sendJson(req, res, 500, { error: "internal_error", message: "the request failed; the service logged the error" });
    return;
  }
  res.destroy();
}
function createHttpServer(ctx) {
  const server = http.createServer(createRequestListener(ctx));
  server.headersTimeout = 1e4;
  server.requestTimeout = 3e4;
  server.keepAliveTimeout = 5e3;
  return server;
}
var BACKEND_PATH;
var init_server = __esm({
  "src/http/server.ts"() {
    "use strict";
    init_respond();
    init_backends();
    init_events();
    init_health();
    init_metrics();
    init_page();
    init_status();
    BACKEND_PATH = /^\/api\/v1\/backends\/([^/]+)$/;
  }
});

// src/http/limits.ts
var DEFAULT_HTTP_LIMITS;
var init_limits = __esm({
  "src/http/limits.ts"() {
    "use strict";
    DEFAULT_HTTP_LIMITS = Object.freeze({
      defaultPageSize: 500,
      maxPageSize: 1e3,
      maxBackendBytes: 4 * 1024 * 1024
    });
  }
});

// src/http/public-json.ts
import { toPublicBackend as toPublicBackend2 } from "@vmcp/registry";
var PublicBackendWriter;
var init_public_json = __esm({
  "src/http/public-json.ts"() {
    "use strict";
    PublicBackendWriter = class {
      #maxBytes;
      #logger;
      // Stored backends are frozen and replaced on change: identity says "this version of this backend".
      #reported = /* @__PURE__ */ new WeakSet();
      constructor(maxBytes, logger) {
        this.#maxBytes = maxBytes;
        this.#logger = logger;
      }
      /** The JSON text of `toPublicBackend(backend)`, or of an {@link OmittedBackend} stub. */
      json(backend) {
        let text;
        try {
          text = JSON.stringify(toPublicBackend2(backend));
        } catch {
        }
        if (text !== void 0 && text.length * 3 <= this.#maxBytes) return text;
        const bytes = text === void 0 ? void 0 : Buffer.byteLength(text);
        if (text !== void 0 && bytes !== void 0 && bytes <= this.#maxBytes) return text;
        if (!this.#reported.has(backend)) {
          this.#reported.add(backend);
          this.#logger.warn("backend too large to serve; a stub is served instead", { backend: backend.id, bytes, limitBytes: this.#maxBytes });
        }
        const stub = {
          id: backend.id,
          name: backend.name,
          baseUrl: "",
          transportType: "",
          healthStatus: "unknown",
          metadata: {},
          omitted: { reason: "too-large", ...bytes === void 0 ? {} : { bytes }, limitBytes: this.#maxBytes }
        };
        return JSON.stringify(stub);
      }
    };
  }
});

// src/metrics.ts
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
function createMetrics(options) {
  const register = new Registry();
  const registers = [register];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register });
  const wq = ["controller", "name"];
  const depth = new Gauge({ name: "workqueue_depth", help: "Current depth of workqueue", labelNames: wq, registers });
  const adds = new Counter({ name: "workqueue_adds_total", help: "Total number of adds handled by workqueue", labelNames: wq, registers });
  const latency = new Histogram({
    name: "workqueue_queue_duration_seconds",
    help: "How long in seconds an item stays in workqueue before being requested",
    labelNames: wq,
    buckets: QUEUE_BUCKETS,
    registers
  });
  const workDuration = new Histogram({
    name: "workqueue_work_duration_seconds",
    help: "How long in seconds processing an item from workqueue takes.",
    labelNames: wq,
    buckets: QUEUE_BUCKETS,
    registers
  });
  const unfinished = new Gauge({
    name: "workqueue_unfinished_work_seconds",
    help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration.",
    labelNames: wq,
    registers
  });
  const longest = new Gauge({
    name: "workqueue_longest_running_processor_seconds",
    help: "How many seconds has the longest running processor for workqueue been running.",
    labelNames: wq,
    registers
  });
  const retries = new Counter({ name: "workqueue_retries_total", help: "Total number of retries handled by workqueue", labelNames: wq, registers });
  const labels = (name) => ({ controller: name, name });
  const workqueue = {
    newDepthMetric: (name) => ({ inc: () => depth.inc(labels(name)), dec: () => depth.dec(labels(name)) }),
    newAddsMetric: (name) => ({ inc: () => adds.inc(labels(name)) }),
    newLatencyMetric: (name) => ({ observe: (v) => latency.observe(labels(name), v) }),
    newWorkDurationMetric: (name) => ({ observe: (v) => workDuration.observe(labels(name), v) }),
    newUnfinishedWorkSecondsMetric: (name) => ({ set: (v) => unfinished.set(labels(name), v) }),
    newLongestRunningProcessorSecondsMetric: (name) => ({ set: (v) => longest.set(labels(name), v) }),
    newRetriesMetric: (name) => ({ inc: () => retries.inc(labels(name)) })
  };
  const reconcileTotal = new Counter({
    name: "controller_runtime_reconcile_total",
    help: "Total number of reconciliations per controller",
    labelNames: ["controller", "result"],
    registers
  });
  const reconcileErrors = new Counter({
    name: "controller_runtime_reconcile_errors_total",
    help: "Total number of reconciliation errors per controller",
    labelNames: ["controller"],
    registers
  });
  const terminalErrors = new Counter({
    name: "controller_runtime_terminal_reconcile_errors_total",
    help: "Total number of terminal reconciliation errors per controller",
    labelNames: ["controller"],
    registers
  });
  const panics = new Counter({
    name: "controller_runtime_reconcile_panics_total",
    help: "Total number of reconciliation panics per controller",
    labelNames: ["controller"],
    registers
  });
  const reconcileTime = new Histogram({
    name: "controller_runtime_reconcile_time_seconds",
    help: "Length of time per reconciliation per controller",
    labelNames: ["controller"],
    buckets: RECONCILE_BUCKETS,
    registers
  });
  const activeWorkers = new Gauge({
    name: "controller_runtime_active_workers",
    help: "Number of currently used workers per controller",
    labelNames: ["controller"],
    registers
  });
  const maxConcurrent = new Gauge({
    name: "controller_runtime_max_concurrent_reconciles",
    help: "Maximum number of concurrent reconciles per controller",
    labelNames: ["controller"],
    registers
  });
  const controller = {
    reconcileTotal: (c, result) => reconcileTotal.inc({ controller: c, result }),
    reconcileErrorsTotal: (c) => reconcileErrors.inc({ controller: c }),
    terminalReconcileErrorsTotal: (c) => terminalErrors.inc({ controller: c }),
    reconcilePanicsTotal: (c) => panics.inc({ controller: c }),
    reconcileTimeSeconds: (c, s) => reconcileTime.observe({ controller: c }, s),
    activeWorkers: (c, n) => activeWorkers.set({ controller: c }, n),
    maxConcurrentReconciles: (c, n) => maxConcurrent.set({ controller: c }, n)
  };
  const { registry, watcherView } = options;
  new Gauge({
    name: "vmcp_registry_backends",
    help: "Backends currently in the registry",
    registers,
    collect() {
      this.set(registry.count());
    }
  });
  new Gauge({
    name: "vmcp_registry_version",
    help: "Registry version (effective changes since start)",
    registers,
    collect() {
      this.set(registry.version());
    }
  });
  const registryEvents = new Counter({
    name: "vmcp_registry_events_total",
    help: "Effective registry changes by type",
    labelNames: ["type"],
    registers
  });
  registryEvents.inc({ type: "upsert" }, 0);
  registryEvents.inc({ type: "remove" }, 0);
  const unsubscribe = registry.subscribe((event) => registryEvents.inc({ type: event.type }));
  new Gauge({
    name: "vmcp_cache_synced",
    help: "1 when ready: every watch cache has completed its first sync and every backend name was reconciled once",
    registers,
    collect() {
      this.set(watcherView()?.synced === true ? 1 : 0);
    }
  });
  const initialReconcile = new Histogram({
    name: "vmcp_initial_reconcile_seconds",
    help: "Time from the last watch cache sync to the initial-reconcile barrier (readiness)",
    buckets: [5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers
  });
  new Gauge({
    name: "vmcp_watch_last_event_age_seconds",
    help: "Seconds since the last watch event, bookmark or list of a kind (an idle watch gets a bookmark about once a minute)",
    labelNames: ["kind"],
    registers,
    collect() {
      this.reset();
      for (const kind of watcherView()?.kinds ?? []) {
        if (kind.lastEventAgeMs !== void 0) this.set({ kind: kind.kind }, kind.lastEventAgeMs / 1e3);
      }
    }
  });
  new Gauge({
    name: "vmcp_watch_connected",
    help: "1 when the watch stream of a kind is open",
    labelNames: ["kind"],
    registers,
    collect() {
      this.reset();
      for (const kind of watcherView()?.kinds ?? []) this.set({ kind: kind.kind }, kind.connected ? 1 : 0);
    }
  });
  new Gauge({
    name: "vmcp_backend_exclusions",
    help: "Objects that exist but are not served, by reason",
    labelNames: ["reason"],
    registers,
    collect() {
      this.reset();
      const counts = /* @__PURE__ */ new Map();
      for (const exclusion of watcherView()?.exclusions ?? []) {
        counts.set(exclusion.reason.code, (counts.get(exclusion.reason.code) ?? 0) + 1);
      }
      for (const [reason, count] of counts) this.set({ reason }, count);
    }
  });
  new Gauge({
    name: "vmcp_backend_name_conflicts",
    help: "Backend names claimed by objects of more than one kind in the group",
    registers,
    collect() {
      this.set(watcherView()?.conflicts.length ?? 0);
    }
  });
  new Gauge({
    name: "vmcp_watcher_failed",
    help: "1 when the watcher stopped on a fatal error",
    registers,
    collect() {
      this.set(watcherView()?.fatalError === void 0 ? 0 : 1);
    }
  });
  const watchEvents = new Counter({
    name: "vmcp_watch_events_total",
    help: "Watch events received, by kind and type",
    labelNames: ["kind", "type"],
    registers
  });
  const { sseClients } = options;
  if (sseClients !== void 0) {
    new Gauge({
      name: "vmcp_sse_clients",
      help: "Connected /api/v1/events clients",
      registers,
      collect() {
        this.set(sseClients());
      }
    });
  }
  new Gauge({
    name: "vmcp_build_info",
    help: "Always 1; the version label says which build runs",
    labelNames: ["version"],
    registers
  }).set({ version: options.version ?? "dev" }, 1);
  return {
    register,
    workqueue,
    controller,
    watchEvent: (kind, type) => watchEvents.inc({ kind, type }),
    initialReconcileSeconds: (seconds) => initialReconcile.observe(seconds),
    close: unsubscribe
  };
}
var QUEUE_BUCKETS, RECONCILE_BUCKETS;
var init_metrics2 = __esm({
  "src/metrics.ts"() {
    "use strict";
    QUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
    RECONCILE_BUCKETS = [
      5e-3,
      0.01,
      0.025,
      0.05,
      0.1,
      0.15,
      0.2,
      0.25,
      0.3,
      0.35,
      0.4,
      0.45,
      0.5,
      0.6,
      0.7,
      0.8,
      0.9,
      1,
      1.25,
      1.5,
      1.75,
      2,
      2.5,
      3,
      3.5,
      4,
      4.5,
      5,
      6,
      7,
      8,
      9,
      10,
      15,
      20,
      25,
      30,
      40,
      50,
      60
    ];
  }
});

// src/app.ts
function describeChange(event) {
  return event.type === "upsert" ? { change: event.previous === void 0 ? "added" : "updated", backend: event.backend.name, version: event.version, health: event.backend.healthStatus } : { change: "removed", backend: event.id, version: event.version };
}
function createService(options) {
  const { registry, logger } = options;
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.httpLimits };
  const publicJson = new PublicBackendWriter(limits.maxBackendBytes, logger.child({ component: "http" }));
  const hub = new EventHub({
    serialize: (backend) => publicJson.json(backend),
    registry,
    logger: logger.child({ component: "sse" }),
    maxClients: options.maxSseClients ?? 100,
    ...options.sseHeartbeatMs !== void 0 ? { heartbeatMs: options.sseHeartbeatMs } : {},
    ...options.sseBufferSize !== void 0 ? { bufferSize: options.sseBufferSize } : {}
  });
  const holder = {};
  const metrics = createMetrics({
    registry,
    watcherView: () => holder.watcher?.view(),
    sseClients: () => hub.clientCount,
    defaultMetrics: options.defaultMetrics ?? true,
    version: SERVICE_VERSION
  });
  const watcher = options.watcher?.(metrics);
  if (watcher !== void 0) holder.watcher = watcher;
  const context = {
    registry,
    watcher,
    hub,
    metrics,
    logger,
    namespace: options.namespace,
    groupRef: options.groupRef,
    version: SERVICE_VERSION,
    readinessTimeoutMs: options.readinessTimeoutMs ?? 5e3,
    limits,
    publicJson
  };
  const server = createHttpServer(context);
  let inFlight = 0;
  const drained = /* @__PURE__ */ new Set();
  server.on("request", (req, res) => {
    if (req.url?.startsWith("/api/v1/events") === true) return;
    inFlight += 1;
    res.once("close", () => {
      inFlight -= 1;
      if (inFlight === 0) for (const notify of [...drained]) notify();
    });
  });
  const waitForRequests = (ms) => inFlight === 0 ? Promise.resolve() : new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      drained.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    drained.add(done);
  });
  const unsubscribe = registry.subscribe((event) => logger.info("registry changed", describeChange(event)));
  const publishStatus = () => {
    const view = watcher?.view();
    hub.publishStatus({
      synced: view?.synced ?? true,
      mode: watcher === void 0 ? "static" : "dynamic",
      groupRef: options.groupRef,
      namespace: options.namespace,
      exclusions: view?.exclusions ?? [],
      conflicts: view?.conflicts ?? [],
      ...view?.initialReconcile !== void 0 ? { initialReconcile: { done: view.initialReconcile.done, total: view.initialReconcile.total } } : {},
      watches: (view?.kinds ?? []).map((k) => ({ kind: k.kind, connected: k.connected, synced: k.synced })),
      ...view?.fatalError !== void 0 ? { fatalError: true } : {}
    });
  };
  publishStatus();
  let loggedReady = false;
  const stopStatus = watcher?.onStatusChange(() => {
    if (!loggedReady && watcher.hasSynced()) {
      loggedReady = true;
      logger.info("ready", {
        ms: Math.round(performance.now() - startedAt),
        backends: registry.count(),
        version: registry.version()
      });
    }
    publishStatus();
  });
  let resolveDone = () => void 0;
  const watcherDone = new Promise((resolve) => resolveDone = resolve);
  let started = false;
  let startedAt = 0;
  let shuttingDown;
  return {
    context,
    server,
    watcherDone,
    listen: (address) => new Promise((resolve, reject) => {
      const onError = (error) => reject(error);
      server.once("error", onError);
      server.listen({ port: address.port, ...address.host !== void 0 ? { host: address.host } : {} }, () => {
        server.off("error", onError);
        const bound = server.address();
        logger.info("listening", { address: bound.address, port: bound.port });
        resolve(bound);
      });
    }),
    startWatcher: () => {
      if (watcher === void 0 || started) {
        if (watcher === void 0) resolveDone(void 0);
        return;
      }
      started = true;
      startedAt = performance.now();
      watcher.start().then(
        () => resolveDone(void 0),
        (error) => {
          const err = error instanceof Error ? error : new Error(String(error));
          logger.error("watcher stopped on a fatal error", { error: err });
          publishStatus();
          resolveDone(err);
        }
      );
    },
    shutdown: () => {
      shuttingDown ??= (async () => {
        logger.info("shutting down");
        stopStatus?.();
        const closed = new Promise((resolve) => server.close(() => resolve()));
        hub.close();
        server.closeIdleConnections();
        if (inFlight > 0) {
          logger.info("waiting for in-flight requests", { requests: inFlight });
          await waitForRequests(options.drainMs ?? 1e4);
        }
        if (watcher !== void 0 && started) await watcher.stop();
        server.closeAllConnections();
        await closed;
        unsubscribe();
        metrics.close();
        logger.info("stopped");
      })();
      return shuttingDown;
    }
  };
}
var SERVICE_VERSION;
var init_app = __esm({
  "src/app.ts"() {
    "use strict";
    init_server();
    init_limits();
    init_public_json();
    init_metrics2();
    init_sse();
    SERVICE_VERSION = "0.1.0";
  }
});

// src/config.ts
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
function pick(flag, flagName, env, envName) {
  if (flag !== void 0) return { value: flag, setting: flagName };
  if (env !== void 0 && env !== "") return { value: env, setting: envName };
  return void 0;
}
function parseCommandLine(argv) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, "") : String(error);
    const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? "command line";
    throw new ConfigError(flag, message);
  }
}
function checkNamespace(value) {
  if (value.value.length > 63 || !DNS_LABEL.test(value.value)) {
    throw new ConfigError(value.setting, `"${value.value}" is not a valid namespace name (lowercase DNS label, at most 63 characters)`);
  }
  return value.value;
}
function checkGroupRef(value, namespace) {
  const parts = value.value.split("/");
  if (parts.length > 2) throw new ConfigError(value.setting, `"${value.value}" must be NAME or NAMESPACE/NAME`);
  const [first, second] = parts;
  const name = second ?? first;
  if (second !== void 0 && first !== namespace) {
    throw new ConfigError(
      value.setting,
      `group "${value.value}" is in namespace "${first}" but the watched namespace is "${namespace}"; the group must be in the watched namespace`
    );
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw new ConfigError(value.setting, `"${name}" is not a valid MCPGroup name (lowercase DNS subdomain)`);
  }
  return value.value;
}
function checkInteger(value, min, max) {
  if (value === void 0) return void 0;
  if (!/^\d+$/.test(value.value.trim())) throw new ConfigError(value.setting, `"${value.value}" is not a whole number`);
  const n = Number(value.value.trim());
  if (n < min || n > max) throw new ConfigError(value.setting, `${n} is out of range (${min}..${max})`);
  return n;
}
function parseListen(value) {
  const text = value.value.trim();
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(text);
  const port = match?.[2] === void 0 ? NaN : Number(match[2]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(value.setting, `"${value.value}" is not a listen address ([host]:port, port 0..65535)`);
  }
  const rawHost = match[1];
  const host = rawHost === void 0 || rawHost === "" ? void 0 : rawHost.replace(/^\[(.*)\]$/, "$1");
  return { host, port };
}
function checkLogLevel(value) {
  if (value === void 0) return "info";
  const level = value.value.toLowerCase();
  if (!LOG_LEVELS.includes(level)) {
    throw new ConfigError(value.setting, `"${value.value}" is not a log level (${LOG_LEVELS.join(", ")})`);
  }
  return level;
}
function readVmcpConfigFile(setting, path, inputs) {
  let text;
  try {
    text = inputs.readFile(path);
  } catch (error) {
    throw new ConfigError(setting, `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text === void 0) throw new ConfigError(setting, `file ${path} does not exist`);
  let doc;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new ConfigError(setting, `${path} is not valid YAML/JSON: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
  if (doc === null || doc === void 0) return void 0;
  if (typeof doc !== "object" || Array.isArray(doc)) throw new ConfigError(setting, `${path} must hold a mapping`);
  const record = doc;
  const outgoing = record["outgoingAuth"];
  if (outgoing !== void 0 && outgoing !== null) {
    const source = typeof outgoing === "object" ? outgoing["source"] : void 0;
    if (source !== void 0 && source !== "discovered") {
      throw new ConfigError(
        `${setting} (${path}) outgoingAuth.source`,
        `is ${JSON.stringify(source)}; vmcp-watcher implements dynamic mode only, which needs "discovered" (inline backends need no watcher)`
      );
    }
  }
  const groupRef = record["groupRef"];
  if (groupRef === void 0 || groupRef === null || groupRef === "") return void 0;
  if (typeof groupRef === "string") return groupRef;
  if (typeof groupRef === "object" && typeof groupRef["name"] === "string") {
    return groupRef["name"];
  }
  throw new ConfigError(`${setting} (${path}) groupRef`, "must be a string (the MCPGroup name)");
}
function inPod(inputs) {
  return (inputs.env["KUBERNETES_SERVICE_HOST"] ?? "") !== "" && inputs.readFile(SERVICE_ACCOUNT_TOKEN_FILE) !== void 0;
}
function resolveCluster(flags, inputs) {
  if (flags.demo === true) {
    if (flags.kubeconfig !== void 0) throw new ConfigError("--demo", "cannot be combined with --kubeconfig");
    return { kind: "demo" };
  }
  const context = flags.context === void 0 ? {} : { context: flags.context };
  const explicit = pick(flags.kubeconfig, "--kubeconfig", inputs.env["KUBECONFIG"], "KUBECONFIG");
  if (explicit !== void 0) {
    const paths = explicit.value.split(":").filter((p) => p !== "");
    if (paths.length === 0) throw new ConfigError(explicit.setting, "is empty");
    for (const path of paths) {
      if (inputs.readFile(path) === void 0) throw new ConfigError(explicit.setting, `file ${path} does not exist`);
    }
    return { kind: "kubeconfig", path: explicit.value, from: explicit.setting, ...context };
  }
  if (inPod(inputs)) {
    if (flags.context !== void 0) throw new ConfigError("--context", "needs a kubeconfig (--kubeconfig or KUBECONFIG); in a pod the in-cluster config is used");
    return { kind: "in-cluster" };
  }
  const home = `${inputs.homeDir.replace(/\/$/, "")}/.kube/config`;
  if (inputs.readFile(home) !== void 0) return { kind: "kubeconfig", path: home, from: "~/.kube/config", ...context };
  if (flags.context !== void 0) throw new ConfigError("--context", "no kubeconfig found (--kubeconfig, KUBECONFIG or ~/.kube/config)");
  return { kind: "demo" };
}
function loadConfig(inputs) {
  const flags = parseCommandLine(inputs.argv);
  if (flags.help === true) return { action: "help" };
  if (flags.version === true) return { action: "version" };
  const env = inputs.env;
  const cluster = resolveCluster(flags, inputs);
  const demo = cluster.kind === "demo";
  const configSetting = pick(flags.config, "--config", env["VMCP_CONFIG"], "VMCP_CONFIG");
  const fileGroup = configSetting === void 0 ? void 0 : readVmcpConfigFile(configSetting.setting, configSetting.value, inputs);
  let namespaceSetting = pick(flags.namespace, "--namespace", env["VMCP_NAMESPACE"], "VMCP_NAMESPACE");
  if (namespaceSetting === void 0 && cluster.kind === "in-cluster") {
    const fromPod = inputs.readFile(SERVICE_ACCOUNT_NAMESPACE_FILE)?.trim();
    if (fromPod !== void 0 && fromPod !== "") namespaceSetting = { value: fromPod, setting: SERVICE_ACCOUNT_NAMESPACE_FILE };
  }
  if (namespaceSetting === void 0 && demo) namespaceSetting = { value: DEFAULT_DEMO_NAMESPACE, setting: "--namespace" };
  if (namespaceSetting === void 0) {
    throw new ConfigError("--namespace", "is required (or set VMCP_NAMESPACE); it names the namespace to watch");
  }
  const namespace = checkNamespace(namespaceSetting);
  let groupSetting = pick(flags.group, "--group", env["VMCP_GROUP"], "VMCP_GROUP");
  if (groupSetting === void 0 && fileGroup !== void 0 && configSetting !== void 0) {
    groupSetting = { value: fileGroup, setting: `${configSetting.setting} (${configSetting.value}) groupRef` };
  }
  if (groupSetting === void 0 && demo) groupSetting = { value: DEFAULT_DEMO_GROUP, setting: "--group" };
  if (groupSetting === void 0) {
    throw new ConfigError("--group", "is required (or set VMCP_GROUP, or groupRef in the --config file); it names the MCPGroup to serve");
  }
  const groupRef = checkGroupRef(groupSetting, namespace);
  const listenSetting = pick(flags.listen, "--listen", env["VMCP_LISTEN"], "VMCP_LISTEN") ?? {
    value: demo ? DEFAULT_DEMO_LISTEN : DEFAULT_LISTEN,
    setting: "--listen"
  };
  return {
    action: "run",
    config: {
      cluster,
      namespace,
      groupRef,
      listen: parseListen(listenSetting),
      logLevel: checkLogLevel(pick(flags["log-level"], "--log-level", env["VMCP_LOG_LEVEL"], "VMCP_LOG_LEVEL")),
      workers: checkInteger(pick(flags.workers, "--workers", env["VMCP_WORKERS"], "VMCP_WORKERS"), 1, 64),
      maxSseClients: checkInteger(pick(flags["max-sse-clients"], "--max-sse-clients", env["VMCP_MAX_SSE_CLIENTS"], "VMCP_MAX_SSE_CLIENTS"), 1, 1e4) ?? 100,
      readinessTimeoutMs: checkInteger(
        pick(flags["readiness-timeout"], "--readiness-timeout", env["VMCP_READINESS_TIMEOUT_MS"], "VMCP_READINESS_TIMEOUT_MS"),
        100,
        6e4
      ) ?? 5e3,
      configFile: configSetting?.value
    }
  };
}
var SERVICE_ACCOUNT_NAMESPACE_FILE, SERVICE_ACCOUNT_TOKEN_FILE, DEFAULT_LISTEN, DEFAULT_DEMO_LISTEN, DEFAULT_DEMO_NAMESPACE, DEFAULT_DEMO_GROUP, LOG_LEVELS, ConfigError, USAGE, FLAGS, DNS_LABEL, DNS_SUBDOMAIN;
var init_config = __esm({
  "src/config.ts"() {
    "use strict";
    SERVICE_ACCOUNT_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
    SERVICE_ACCOUNT_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    DEFAULT_LISTEN = ":8080";
    DEFAULT_DEMO_LISTEN = "127.0.0.1:8080";
    DEFAULT_DEMO_NAMESPACE = "vmcp-demo";
    DEFAULT_DEMO_GROUP = "engineering";
    LOG_LEVELS = ["debug", "info", "warn", "error"];
    ConfigError = class extends Error {
      name = "ConfigError";
      setting;
      constructor(setting, problem) {
        super(`invalid configuration: ${setting}: ${problem}`);
        this.setting = setting;
      }
    };
    USAGE = `Usage: vmcp-watcher [flags]

Watches ToolHive resources in one namespace and serves a live registry of the MCP backends of one group.

Flags (environment variable in brackets; flags win over the environment, which wins over the config file):
  --namespace NAME        namespace to watch [VMCP_NAMESPACE]; in a pod defaults to the pod's namespace
  --group NAME            MCPGroup whose backends to serve [VMCP_GROUP]; or groupRef in --config
  --config PATH           upstream vMCP config file (groupRef, outgoingAuth.source: discovered) [VMCP_CONFIG]
  --kubeconfig PATH       kubeconfig file [KUBECONFIG]; default in a pod: in-cluster; else ~/.kube/config;
                          with none of these, a local demo control plane is started
  --context NAME          kubeconfig context to use (default: the current context)
  --listen ADDR           HTTP listen address, [host]:port (default ${DEFAULT_LISTEN}; demo ${DEFAULT_DEMO_LISTEN}) [VMCP_LISTEN]
  --log-level LEVEL       debug | info | warn | error (default info) [VMCP_LOG_LEVEL]
  --workers N             concurrent reconciles, 1..64 (default: the watcher's) [VMCP_WORKERS]
  --max-sse-clients N     concurrent /api/v1/events clients, 1..10000 (default 100) [VMCP_MAX_SSE_CLIENTS]
  --readiness-timeout MS  how long /readyz waits for the cache sync, 100..60000 (default 5000) [VMCP_READINESS_TIMEOUT_MS]
  --demo                  run the local demo even when a cluster is configured
  -h, --help              show this help
  --version               print the version
`;
    FLAGS = {
      namespace: { type: "string" },
      group: { type: "string" },
      config: { type: "string" },
      kubeconfig: { type: "string" },
      context: { type: "string" },
      listen: { type: "string" },
      "log-level": { type: "string" },
      workers: { type: "string" },
      "max-sse-clients": { type: "string" },
      "readiness-timeout": { type: "string" },
      demo: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" }
    };
    DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  }
});

// src/kube.ts
import { KubeConfig } from "@kubernetes/client-node";
import { MCPServerResource } from "@vmcp/api";
import { BackendWatcher, KubeApiError, KubeHttpClient } from "@vmcp/kube-watcher";
function loadKubeConfig(cluster) {
  const kc = new KubeConfig();
  if (cluster.kind === "in-cluster") {
    kc.loadFromCluster();
    return kc;
  }
  try {
    if (cluster.path.includes(":")) kc.loadFromDefault({}, false);
    else kc.loadFromFile(cluster.path);
  } catch (error) {
    throw new ConfigError(cluster.from, `cannot load kubeconfig ${cluster.path}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
  if (cluster.context !== void 0) {
    if (kc.getContextObject(cluster.context) === null) {
      throw new ConfigError("--context", `context "${cluster.context}" is not in ${cluster.path}`);
    }
    kc.setCurrentContext(cluster.context);
  }
  if (kc.getCurrentCluster() === null) {
    throw new ConfigError(cluster.from, `kubeconfig ${cluster.path} has no current context with a cluster`);
  }
  return kc;
}
async function checkCluster(kc, namespace, timeoutMs = 1e4) {
  const client = new KubeHttpClient(kc, { userAgent: "vmcp-watcher/preflight" });
  const target = { verb: "list", resource: MCPServerResource, namespace };
  try {
    await client.getJson({
      target,
      path: `/apis/${MCPServerResource.group}/${MCPServerResource.version}/namespaces/${encodeURIComponent(namespace)}/${MCPServerResource.plural}`,
      query: { limit: "1" },
      accept: "application/json",
      signal: AbortSignal.timeout(timeoutMs)
    });
  } catch (error) {
    const server = client.server;
    if (error instanceof KubeApiError) {
      const hint = error.status === 401 ? "the credentials were rejected" : error.status === 403 ? "the user may not list MCPServers here; apply the Role in deploy/ (or check the RoleBinding)" : error.status === 404 ? "the ToolHive CRDs are not installed (packages/api/crds)" : "the API server refused the request";
      throw new ClusterUnavailableError(`cannot use the Kubernetes API at ${server}: ${hint}: ${error.message}`);
    }
    const reason = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError") ? `no answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error);
    throw new ClusterUnavailableError(`cannot reach the Kubernetes API at ${server}: ${reason}`);
  }
}
function viewOfStatus(status) {
  const r = status.initialReconcile;
  return {
    synced: status.synced,
    cachesSynced: status.cachesSynced,
    initialReconcile: { started: r.started, done: r.done, total: r.total, ...r.durationMs !== void 0 ? { durationMs: r.durationMs } : {} },
    kinds: status.kinds.map((k) => ({
      kind: k.kind,
      connected: k.connected,
      synced: k.synced,
      resourceVersion: k.resourceVersion,
      apiVersion: k.apiVersion,
      ...k.lastEventTime !== void 0 ? { lastEventTime: k.lastEventTime } : {},
      ...k.lastEventAgeMs !== void 0 ? { lastEventAgeMs: k.lastEventAgeMs } : {},
      ...k.lastError !== void 0 ? { lastError: { message: k.lastError.message, at: k.lastError.at } } : {}
    })),
    exclusions: Object.entries(status.exclusions).map(([name, e]) => ({
      name,
      ...e.kind !== void 0 ? { kind: e.kind } : {},
      reason: { code: e.code, message: e.message },
      since: e.since
    })).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    conflicts: status.conflicts.map((c) => ({ name: c.name, kinds: [...c.kinds] })),
    ...status.fatalError !== void 0 ? { fatalError: status.fatalError } : {}
  };
}
function adaptBackendWatcher(watcher) {
  let fatal;
  return {
    start: async (signal) => {
      try {
        await watcher.start(signal);
      } catch (error) {
        fatal = error instanceof Error ? error : new Error(String(error));
        throw fatal;
      }
    },
    waitForCacheSync: (signal) => watcher.waitForCacheSync(signal),
    hasSynced: () => watcher.hasSynced(),
    fatalError: () => fatal ?? (watcher.status().state === "failed" ? new Error(watcher.status().fatalError ?? "watcher failed") : void 0),
    stop: () => watcher.stop(),
    view: () => viewOfStatus(watcher.status()),
    onStatusChange: (listener) => watcher.onStatusChange(() => listener()),
    readinessProgress: () => {
      const s = watcher.status();
      const synced = s.kinds.filter((k) => k.synced || k.tolerated).length;
      const r = s.initialReconcile;
      return { cacheSync: { synced, total: s.kinds.length }, initialReconcile: { started: r.started, done: r.done, total: r.total } };
    }
  };
}
function createKubeWatcher(options) {
  const watcherOptions = {
    kubeConfig: options.kubeConfig,
    namespace: options.namespace,
    groupRef: options.groupRef,
    registry: options.registry,
    logger: options.logger.child({ component: "watcher" }),
    metrics: {
      controller: options.metrics.controller,
      workqueue: options.metrics.workqueue,
      watchEvent: (kind, type) => options.metrics.watchEvent(kind, type),
      initialReconcile: (ms) => options.metrics.initialReconcileSeconds(ms / 1e3)
    }
  };
  if (options.workers !== void 0) watcherOptions.workers = options.workers;
  return adaptBackendWatcher(new BackendWatcher(watcherOptions));
}
var ClusterUnavailableError;
var init_kube = __esm({
  "src/kube.ts"() {
    "use strict";
    init_config();
    ClusterUnavailableError = class extends Error {
      name = "ClusterUnavailableError";
    };
  }
});

// src/run.ts
import { createDynamicRegistry } from "@vmcp/registry";
async function startAgainstCluster(config, kubeConfig, logger) {
  await checkCluster(kubeConfig, config.namespace);
  const registry = createDynamicRegistry();
  let service;
  try {
    service = createService({
      registry,
      namespace: config.namespace,
      groupRef: config.groupRef,
      logger,
      readinessTimeoutMs: config.readinessTimeoutMs,
      maxSseClients: config.maxSseClients,
      watcher: (metrics) => createKubeWatcher({
        kubeConfig,
        namespace: config.namespace,
        groupRef: config.groupRef,
        registry,
        logger,
        metrics,
        workers: config.workers
      })
    });
  } catch (error) {
    throw new ConfigError("--group/--namespace", error instanceof Error ? error.message : String(error));
  }
  let address;
  try {
    address = await service.listen(config.listen);
  } catch (error) {
    await service.shutdown();
    const code = error.code;
    const where = `${config.listen.host ?? ""}:${config.listen.port}`;
    throw new ListenError(`invalid configuration: --listen: cannot listen on ${where}: ${code ?? (error instanceof Error ? error.message : String(error))}`);
  }
  service.startWatcher();
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const shown = host === "0.0.0.0" || host === "[::]" ? "localhost" : host;
  return { service, url: `http://${shown}:${address.port}/` };
}
var ListenError;
var init_run = __esm({
  "src/run.ts"() {
    "use strict";
    init_app();
    init_config();
    init_kube();
    ListenError = class extends Error {
      name = "ListenError";
    };
  }
});

// src/shutdown.ts
function installSignalHandlers(options) {
  const exit = options.exit ?? ((code) => process.exit(code));
  const target = options.target ?? process;
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  let received;
  const handler = (signal) => {
    if (received !== void 0) {
      options.logger.warn("second signal: exiting now", { signal, first: received });
      exit(1);
      return;
    }
    received = signal;
    options.logger.info("signal received: stopping gracefully (send it again to exit at once)", { signal });
    const deadline = setTimeout(() => {
      options.logger.error("graceful stop took too long: exiting", { deadlineMs: options.deadlineMs ?? 3e4 });
      exit(1);
    }, options.deadlineMs ?? 3e4);
    deadline.unref();
    options.shutdown().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error) => {
        clearTimeout(deadline);
        options.logger.error("graceful stop failed", { error });
        exit(1);
      }
    );
  };
  for (const signal of signals) target.on(signal, handler);
  return () => {
    for (const signal of signals) target.off(signal, handler);
  };
}
var init_shutdown = __esm({
  "src/shutdown.ts"() {
    "use strict";
  }
});

// src/kube-rest.ts
import http2 from "node:http";
import https from "node:https";
async function kubeRequest(kc, method, path, body, contentType = "application/json") {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error("kube config has no current cluster");
  const options = { headers: {} };
  await kc.applyToHTTPSOptions(options);
  const url = new URL(cluster.server.replace(/\/+$/, "") + path);
  const payload = body === void 0 ? void 0 : JSON.stringify(body);
  const headers = { ...options.headers, accept: "application/json" };
  if (payload !== void 0) {
    headers["content-type"] = contentType;
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  const transport = url.protocol === "https:" ? https : http2;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { ...options, method, headers, timeout: 3e4 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed;
        try {
          parsed = text === "" ? void 0 : JSON.parse(text);
        } catch {
          parsed = void 0;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(parsed);
          return;
        }
        const s = parsed ?? {};
        reject(new KubeRestError(method, url.pathname, status, s.reason ?? "", s.message ?? ""));
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}
function collectionPathOf(object, namespace) {
  const info = COLLECTIONS[object.kind];
  if (info === void 0) throw new Error(`unsupported kind ${object.kind}`);
  const prefix = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  if (!info.namespaced) return `${prefix}/${info.plural}`;
  if (namespace === void 0) throw new Error(`a ${object.kind} needs a namespace`);
  return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`;
}
async function createWithStatus(kc, object, namespace) {
  const { status, ...spec } = object;
  const base = collectionPathOf(object, namespace);
  const created = await kubeRequest(kc, "POST", base, { ...spec, metadata: { ...spec.metadata, namespace } });
  if (status === void 0 || COLLECTIONS[object.kind]?.plural.startsWith("mcp") !== true) return created;
  return kubeRequest(
    kc,
    "PATCH",
    `${base}/${encodeURIComponent(object.metadata.name)}/status`,
    { status },
    "application/merge-patch+json"
  );
}
var KubeRestError, COLLECTIONS;
var init_kube_rest = __esm({
  "src/kube-rest.ts"() {
    "use strict";
    KubeRestError = class extends Error {
      name = "KubeRestError";
      status;
      reason;
      constructor(method, path, status, reason, message) {
        super(`${method} ${path}: ${status}${reason === "" ? "" : ` ${reason}`}${message === "" ? "" : ` (${message})`}`);
        this.status = status;
        this.reason = reason;
      }
    };
    COLLECTIONS = {
      Namespace: { plural: "namespaces", namespaced: false },
      Secret: { plural: "secrets", namespaced: true },
      ConfigMap: { plural: "configmaps", namespaced: true },
      ServiceAccount: { plural: "serviceaccounts", namespaced: true },
      Service: { plural: "services", namespaced: true },
      Role: { plural: "roles", namespaced: true },
      RoleBinding: { plural: "rolebindings", namespaced: true },
      ClusterRole: { plural: "clusterroles", namespaced: false },
      ClusterRoleBinding: { plural: "clusterrolebindings", namespaced: false },
      Deployment: { plural: "deployments", namespaced: true },
      MCPGroup: { plural: "mcpgroups", namespaced: true },
      MCPServer: { plural: "mcpservers", namespaced: true },
      MCPRemoteProxy: { plural: "mcpremoteproxies", namespaced: true },
      MCPServerEntry: { plural: "mcpserverentries", namespaced: true },
      MCPExternalAuthConfig: { plural: "mcpexternalauthconfigs", namespaced: true }
    };
  }
});

// src/examples.ts
import { readFileSync } from "node:fs";
import { exampleFiles } from "@vmcp/api";
import { parseAllDocuments } from "yaml";
function readManifests(files) {
  const objects = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const value = doc.toJS();
      if (value !== null && typeof value === "object" && typeof value.kind === "string") objects.push(value);
    }
  }
  return objects;
}
async function ensureNamespace(kc, namespace) {
  try {
    await kubeRequest(kc, "POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  } catch (error) {
    if (error.status !== 409) throw error;
  }
}
async function applyExamples(kc, namespace) {
  const objects = readManifests(exampleFiles());
  for (const object of objects) await createWithStatus(kc, object, namespace);
  return objects.length;
}
var init_examples = __esm({
  "src/examples.ts"() {
    "use strict";
    init_kube_rest();
  }
});

// src/demo.ts
var demo_exports = {};
__export(demo_exports, {
  demoSteps: () => demoSteps,
  runDemo: () => runDemo
});
import { crdDirectory } from "@vmcp/api";
function demoSteps(kc, namespace, group) {
  const servers = `${MCPSERVERS}/${encodeURIComponent(namespace)}/mcpservers`;
  const phase = (name, value) => () => kubeRequest(kc, "PATCH", `${servers}/${name}/status`, { status: { phase: value } }, "application/merge-patch+json");
  return [
    { say: "MCPServer github: phase Ready \u2192 Failed (shown unhealthy)", run: phase("github", "Failed") },
    {
      say: "MCPServer demo-temp: created in group " + group,
      run: () => createWithStatus(
        kc,
        {
          apiVersion: "toolhive.stacklok.dev/v1beta1",
          kind: "MCPServer",
          metadata: { name: "demo-temp", annotations: { "example.com/created-by": "vmcp-watcher demo" } },
          spec: { image: "ghcr.io/example/demo:latest", transport: "streamable-http", proxyPort: 8080, groupRef: { name: group } },
          status: { url: "http://mcp-demo-temp-proxy:8080", phase: "Ready" }
        },
        namespace
      )
    },
    { say: "MCPServer github: phase Failed \u2192 Ready", run: phase("github", "Ready") },
    { say: "MCPServer demo-temp: deleted", run: () => kubeRequest(kc, "DELETE", `${servers}/demo-temp`) }
  ];
}
async function runDemo(config, logger, options = {}) {
  let envtest;
  try {
    envtest = await import("@vmcp/envtest");
  } catch (error) {
    throw new Error(
      `no cluster is configured (--kubeconfig, KUBECONFIG, ~/.kube/config or in-cluster) and the local demo needs @vmcp/envtest, which is not installed here (${error instanceof Error ? error.message : String(error)})`
    );
  }
  logger.info("no cluster configured: starting the local demo control plane (kube-apiserver + etcd)");
  const found = envtest.findBinaries();
  if (!found.found) {
    logger.info("building the control plane binaries once (several minutes the first time)", { reason: found.reason });
    await envtest.ensureBinaries();
  }
  const plane = await envtest.startControlPlane({ crds: [crdDirectory] });
  const kc = plane.kubeConfig;
  let stopping = false;
  let timer;
  const stopPlane = async () => {
    stopping = true;
    clearTimeout(timer);
    await plane.stop();
  };
  try {
    await ensureNamespace(kc, config.namespace);
    const count = await applyExamples(kc, config.namespace);
    logger.info("demo resources applied", { namespace: config.namespace, objects: count, server: plane.server });
    const { service, url } = await startAgainstCluster(config, kc, logger);
    process.stdout.write(`
  vmcp-watcher demo: open ${url}  (group ${config.groupRef}, namespace ${config.namespace}; Ctrl-C to stop)

`);
    const steps = demoSteps(kc, config.namespace, config.groupRef);
    let next = 0;
    const tick = () => {
      if (stopping) return;
      const step = steps[next % steps.length];
      next += 1;
      step.run().then(
        () => logger.info("demo change", { change: step.say }),
        (error) => logger.warn("demo change failed", { change: step.say, error })
      ).finally(() => {
        if (!stopping) timer = setTimeout(tick, options.intervalMs ?? 1e4);
      });
    };
    timer = setTimeout(tick, options.intervalMs ?? 1e4);
    installSignalHandlers({
      logger,
      shutdown: async () => {
        stopping = true;
        clearTimeout(timer);
        await service.shutdown();
        await stopPlane();
      }
    });
  } catch (error) {
    await stopPlane();
    throw error;
  }
}
var MCPSERVERS;
var init_demo = __esm({
  "src/demo.ts"() {
    "use strict";
    init_examples();
    init_kube_rest();
    init_run();
    init_shutdown();
    MCPSERVERS = "/apis/toolhive.stacklok.dev/v1beta1/namespaces";
  }
});

// src/cli.ts
init_app();
init_config();
init_kube();
import { readFileSync as readFileSync2 } from "node:fs";
import os from "node:os";

// src/logger.ts
var RANK = { debug: 10, info: 20, warn: 30, error: 40 };
function plain(value) {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
function createLogger(options, bound = {}) {
  const write = options.write ?? ((line) => void process.stdout.write(line));
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const min = RANK[options.level];
  const emit = (level, msg, fields) => {
    if (RANK[level] < min) return;
    const line = { time: now().toISOString(), level, msg };
    for (const [key, value] of Object.entries(bound)) line[key] = plain(value);
    if (fields !== void 0) {
      for (const [key, value] of Object.entries(fields)) if (value !== void 0) line[key] = plain(value);
    }
    let text;
    try {
      text = JSON.stringify(line);
    } catch {
      text = JSON.stringify({ time: line["time"], level, msg, fieldsDropped: true });
    }
    write(`${text}
`);
  };
  return {
    level: options.level,
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    isEnabled: (level) => RANK[level] >= min,
    child: (fields) => createLogger(options, { ...bound, ...fields })
  };
}

// src/cli.ts
init_run();
init_shutdown();
function readIfExists(path) {
  try {
    return readFileSync2(path, "utf8");
  } catch (error) {
    const code = error.code;
    if (code === "ENOENT" || code === "ENOTDIR") return void 0;
    throw error;
  }
}
function fail(message, code) {
  process.stderr.write(`vmcp-watcher: ${message}
`);
  return code;
}
async function runCluster(config, logger) {
  if (config.cluster.kind === "demo") throw new Error("unreachable");
  const kubeConfig = loadKubeConfig(config.cluster);
  logger.info("starting", {
    namespace: config.namespace,
    group: config.groupRef,
    cluster: config.cluster.kind === "in-cluster" ? "in-cluster" : config.cluster.from,
    server: kubeConfig.getCurrentCluster()?.server
  });
  const { service, url } = await startAgainstCluster(config, kubeConfig, logger);
  logger.info("serving", { url });
  installSignalHandlers({ logger, shutdown: () => service.shutdown() });
}
async function main(argv, env) {
  let config;
  try {
    const result = loadConfig({ argv, env, readFile: readIfExists, homeDir: os.homedir() });
    if (result.action === "help") {
      process.stdout.write(USAGE);
      return 0;
    }
    if (result.action === "version") {
      process.stdout.write(`vmcp-watcher ${SERVICE_VERSION}
`);
      return 0;
    }
    config = result.config;
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, 2);
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  try {
    if (config.cluster.kind === "demo") {
      const { runDemo: runDemo2 } = await Promise.resolve().then(() => (init_demo(), demo_exports));
      await runDemo2(config, logger);
    } else {
      await runCluster(config, logger);
    }
    return void 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ListenError) return fail(error.message, 2);
    if (error instanceof ClusterUnavailableError) return fail(error.message, 1);
    return fail(error instanceof Error ? error.message : String(error), 1);
  }
}
main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== void 0) process.exit(code);
  },
  (error) => {
    process.stderr.write(`vmcp-watcher: ${error instanceof Error ? error.message : String(error)}
`);
    process.exit(1);
  }
);
export {
  main
};
