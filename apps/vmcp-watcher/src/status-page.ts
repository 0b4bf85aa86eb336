/**
 * The status page served at `/`: one self-contained HTML document (inline CSS and JS, no build step, no external
 * asset) that takes the full list from the event stream's `reset`, then applies `upsert`/`remove`/`status` events
 * live. Every cluster-provided string is inserted with `textContent`, never as HTML, and a strict CSP with a
 * per-response nonce allows only the page's own script and style.
 */
import { randomBytes } from 'node:crypto';

/** What the page shows before its script runs. */
export interface StatusPageInfo {
  groupRef: string;
  namespace: string;
  version: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A fresh nonce for one response. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The Content-Security-Policy that goes with {@link renderStatusPage}'s nonce. */
export function statusPageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const STYLE = `
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

// Plain browser JS, kept small and dependency-free. It must not use innerHTML with data.
const SCRIPT = `
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
    li.append(el('code', x.name), el('span', ' ' + (x.kind || '') + ' — ' + x.reason.code + ': ' + x.reason.message, 'muted'));
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
  else { badge.textContent = 'syncing…'; badge.className = 'badge warn'; }
  document.body.dataset.synced = String(!!s.synced);
}
function connect() {
  const es = new EventSource('api/v1/events');
  es.onopen = () => { $('stream').textContent = 'live'; $('stream').className = 'badge ok'; };
  es.onerror = () => { $('stream').textContent = 'reconnecting…'; $('stream').className = 'badge warn'; };
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

/** The page's HTML for one response; pass the same nonce to {@link statusPageCsp}. */
export function renderStatusPage(info: StatusPageInfo, nonce: string): string {
  const group = escapeHtml(info.groupRef);
  const namespace = escapeHtml(info.namespace);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>vmcp-watcher — ${group}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-synced="false">
<header>
  <h1>vmcp-watcher</h1>
  <span>group <strong id="group">${group}</strong></span>
  <span>namespace <strong id="namespace">${namespace}</strong></span>
  <span>cache <span id="sync" class="badge warn">syncing…</span></span>
  <span>stream <span id="stream" class="badge warn">connecting…</span></span>
  <span class="muted">registry version <span id="version">–</span> · v${escapeHtml(info.version)}</span>
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
