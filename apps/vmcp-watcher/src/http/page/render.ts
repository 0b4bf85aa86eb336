/**
 * The status page served at `/`: one self-contained HTML document (inline CSS and JS, no external asset). Its script
 * is `client.ts`, a type-checked browser module compiled into `script.generated.ts` and inlined here; it
 * shows the backends one page at a time from `/api/v1/backends` (filtered by name), the watches, exclusions,
 * conflicts and configuration warnings from the stream's `status` events, and the recent changes from
 * `/api/v1/changes`, and follows the event stream to stay current, so the page costs the same whatever the size of
 * the registry. Every cluster-provided string is inserted with
 * `textContent`, never as HTML, and a strict CSP with a per-response nonce allows only the page's own script and
 * style.
 */
import { randomBytes } from 'node:crypto';
import { STATUS_PAGE_SCRIPT } from './script.generated.ts';

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
#warnings { border:1px solid var(--warn); border-left-width:4px; padding:.5rem 1rem; margin:0 0 1rem; }
#warnings li { color:var(--warn); } .error-text { color:var(--bad); font-size:.85rem; }
.toolbar { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; }
#filter { font:inherit; padding:.25rem .5rem; min-width:16rem; }
nav.pager { display:flex; gap:.75rem; align-items:center; margin:.5rem 0; }
@keyframes flash { from { background: rgba(255, 213, 0, .45); } to { background: transparent; } }
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
  <label id="picker" hidden>group <select id="group-picker" aria-label="group"></select></label>
  <span>cache <span id="sync" class="badge warn">syncing…</span></span>
  <span>stream <span id="stream" class="badge warn">connecting…</span></span>
  <span class="muted">registry version <span id="version">–</span> · v${escapeHtml(info.version)}</span>
</header>
<section id="warnings" hidden><strong>Configuration warnings</strong><ul id="warning-list"></ul></section>
<div class="toolbar">
  <input id="filter" type="search" placeholder="filter by name" aria-label="filter by name" autocomplete="off">
  <span id="health-counts" class="muted"></span>
</div>
<h2>Watches</h2>
<table>
  <thead><tr><th>kind</th><th>API version</th><th>watch</th><th>synced</th><th>last event</th><th>last error</th></tr></thead>
  <tbody id="watches"></tbody>
</table>
<h2>Backends (<span id="count">0</span>)</h2>
<table>
  <thead><tr><th>name</th><th>kind</th><th>URL</th><th>transport</th><th>health</th><th>auth</th></tr></thead>
  <tbody id="backends"></tbody>
</table>
<nav class="pager"><button id="prev" type="button" disabled>← previous</button><span id="range" class="muted"></span><button id="next" type="button" disabled>next →</button></nav>
<p id="empty" class="muted">No backend in this group yet.</p>
<h2>Not served (<span id="excluded-count">0</span>)</h2>
<table>
  <thead><tr><th>name</th><th>kind</th><th>reason</th><th>since</th></tr></thead>
  <tbody id="excluded"></tbody>
</table>
<p id="excluded-none" class="muted">Not known until the cache is synced.</p>
<h2>Name conflicts</h2>
<ul id="conflicts"></ul>
<p id="conflicts-none" class="muted">No backend name is claimed by objects of two kinds.</p>
<h2>Recent changes</h2>
<ul id="changes"></ul>
<p id="changes-none" class="muted">No change since the service started.</p>
<script type="module" nonce="${nonce}">${STATUS_PAGE_SCRIPT}</script>
</body>
</html>
`;
}
