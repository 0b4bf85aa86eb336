/**
 * The status page's browser script (type-checked against the DOM, linted, and inlined into the page at build time as
 * `script.generated.ts`). It shows one page of backends at a time from `/api/v1/backends` (so a registry of any
 * size costs the browser one page; the filter box narrows it on the server), and follows
 * `/api/v1/events?reset=version`: the stream's `reset` and every change re-read the current page and the recent
 * changes (`/api/v1/changes`, which the server keeps, so they are there from the first load), at most once per
 * `REFRESH_MS`; `status` events carry the watcher's status (watches with their last error, exclusions, conflicts)
 * and the configuration warnings, re-read from `/api/v1/watcher` every few seconds so event ages stay current. Every cluster-provided string goes in through `textContent`, never as HTML.
 *
 * A service of several groups: the page reads `/api/v1/groups` first, shows a group picker, and reads the chosen
 * group's paths (`/api/v1/namespaces/{ns}/groups/{group}/…`); the choice is the page's `?namespace=&group=`.
 */

import type { ShownBackend, GroupList, ListPage, Watch, Exclusion, StatusEvent, Change } from './client-types.ts';

/** Today's paths; a group of a set has its own base (see `chooseGroup`). */
const TODAY_API = 'api/v1/';
let api = TODAY_API;

/** Backends per page: `/?limit=N` (1–1000), else 100. */
const PAGE_SIZE = ((): number => {
  const asked = Number(new URLSearchParams(window.location.search).get('limit') ?? '');
  return Number.isInteger(asked) && asked >= 1 && asked <= 1000 ? asked : 100;
})();
const REFRESH_MS = 500;
const KINDS: Record<string, string> = { mcp_server: 'MCPServer', remote_proxy: 'MCPRemoteProxy', server_entry: 'MCPServerEntry' };

/** Continue tokens of the pages before the current one (`undefined` = the first page). */
const previous: (string | undefined)[] = [];
let current: string | undefined;
let next: string | undefined;
let refreshTimer: number | undefined;
let flashId: string | undefined;
let filter = '';
let status: StatusEvent | undefined;
let changes: Change[] = [];

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string | number, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  if (cls !== undefined) e.className = cls;
  return e;
}

function badge(text: string, cls: string): HTMLElement {
  return el('span', text, `badge ${cls}`);
}

function healthClass(health: string): string {
  return health === 'healthy' ? 'ok' : health === 'unhealthy' ? 'bad' : 'warn';
}

/** `12 s ago`, `3 min ago`, `2 h ago`. */
function age(iso: string | undefined): string {
  if (iso === undefined) return '–';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

function matches(...names: string[]): boolean {
  const q = filter.trim().toLowerCase();
  return q === '' || names.some((n) => n.toLowerCase().includes(q));
}

function authCell(b: ShownBackend): HTMLElement {
  const td = el('td');
  const auth = b.authConfig;
  td.append(el('code', auth ? auth.type : 'unauthenticated'));
  if (b.authConfigRef !== undefined) td.append(el('span', `ref: ${b.authConfigRef}`, 'auth-field muted'));
  if (auth) {
    for (const [key, value] of Object.entries(auth)) {
      if (key === 'type' || key === 'redacted' || value === null || typeof value !== 'object') continue;
      for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
          td.append(el('span', `${field}: ${String(v)}`, 'auth-field muted'));
      }
    }
    if (Array.isArray(auth.redacted) && auth.redacted.length > 0)
      td.append(el('span', `secret set: ${auth.redacted.join(', ')}`, 'auth-field muted'));
  }
  return td;
}

function row(b: ShownBackend): HTMLElement {
  const tr = el('tr');
  tr.dataset['backend'] = b.id;
  if (b.id === flashId) tr.className = 'flash';
  if (b.omitted !== undefined) {
    tr.append(el('td', b.name));
    const note = el(
      'td',
      `not shown: its data is ${b.omitted.bytes ?? 'over'} bytes, over the ${b.omitted.limitBytes}-byte limit`,
      'muted',
    );
    note.colSpan = 5;
    tr.append(note);
    return tr;
  }
  tr.append(el('td', b.name), el('td', KINDS[b.metadata['workload_type'] ?? ''] ?? (b.type || '?')));
  const url = el('td');
  url.append(el('code', b.baseUrl));
  const health = el('td');
  health.append(badge(b.healthStatus, healthClass(b.healthStatus)));
  tr.append(url, el('td', b.transportType), health, authCell(b));
  return tr;
}

function renderPage(page: ListPage): void {
  byId('backends').replaceChildren(...page.backends.map(row));
  byId('count').textContent = String(page.count);
  byId('version').textContent = String(page.version);
  byId('empty').hidden = page.count > 0;
  byId('empty').textContent = filter.trim() === '' ? 'No backend in this group yet.' : 'No backend matches the filter.';
  const first = previous.length * PAGE_SIZE;
  byId('range').textContent = page.backends.length === 0 ? '' : `${first + 1}–${first + page.backends.length} of ${page.count}`;
  byId<HTMLButtonElement>('prev').disabled = previous.length === 0;
  byId<HTMLButtonElement>('next').disabled = page.continue === undefined;
  next = page.continue;
  const counts = byId('health-counts');
  counts.replaceChildren(
    ...Object.entries(page.health)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([health, n]) => {
        const chip = badge(`${n} ${health}`, healthClass(health));
        chip.dataset['health'] = health;
        return chip;
      }),
  );
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path.split('?')[0] ?? path} answered ${res.status}`);
  return (await res.json()) as T;
}

async function load(): Promise<void> {
  const query = `limit=${PAGE_SIZE}${current === undefined ? '' : `&continue=${encodeURIComponent(current)}`}${
    filter.trim() === '' ? '' : `&q=${encodeURIComponent(filter.trim())}`
  }`;
  const [page, recent] = await Promise.all([
    getJson<ListPage>(`${api}backends?${query}`),
    getJson<{ changes: Change[] }>(`${api}changes?limit=50`),
  ]);
  renderPage(page);
  changes = recent.changes;
  renderChanges();
}

/** Re-reads the current page soon (changes arriving together cost one read). */
function refreshSoon(): void {
  if (refreshTimer !== undefined) return;
  refreshTimer = window.setTimeout(() => {
    refreshTimer = undefined;
    load().catch(showError);
  }, REFRESH_MS);
}

function showError(error: unknown): void {
  const stream = byId('stream');
  stream.textContent = error instanceof Error ? error.message : String(error);
  stream.className = 'badge bad';
}

function renderChanges(): void {
  const shown = changes.filter((c) => matches(c.backend));
  byId('changes').replaceChildren(
    ...shown.map((c) => {
      const li = el('li');
      li.dataset['change'] = c.backend;
      li.append(el('span', c.summary), el('span', `  v${c.version} · ${age(c.at)}`, 'muted'));
      return li;
    }),
  );
  byId('changes-none').hidden = shown.length > 0;
}

function renderWatches(kinds: Watch[]): void {
  byId('watches').replaceChildren(
    ...kinds.map((w) => {
      const tr = el('tr');
      tr.dataset['watch'] = w.kind;
      const connected = el('td');
      connected.append(
        w.connected ? badge('connected', 'ok') : badge(w.tolerated ? 'not installed' : 'disconnected', w.tolerated ? 'muted' : 'bad'),
      );
      const error = el('td');
      if (w.lastError !== undefined) {
        error.append(el('span', w.lastError.message, 'error-text'));
        error.append(el('span', ` ${age(w.lastError.at)}${w.consecutiveErrors > 1 ? ` · ${w.consecutiveErrors} in a row` : ''}`, 'muted'));
      } else error.append(el('span', 'none', 'muted'));
      tr.append(
        el('td', w.kind),
        el('td', w.apiVersion),
        connected,
        el('td', w.synced ? 'yes' : 'no'),
        el('td', age(w.lastEventTime)),
        error,
      );
      return tr;
    }),
  );
}

function renderExclusions(exclusions: Record<string, Exclusion>, synced: boolean): void {
  const shown = Object.entries(exclusions)
    .filter(([name]) => matches(name))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  byId('excluded').replaceChildren(
    ...shown.map(([name, x]) => {
      const tr = el('tr');
      tr.dataset['excluded'] = name;
      const reason = el('td');
      reason.append(el('code', x.code), el('span', ` ${x.message}`, 'muted'));
      const since = el('td', age(x.since));
      since.title = x.since;
      tr.append(el('td', name), el('td', x.kind ?? ''), reason, since);
      return tr;
    }),
  );
  byId('excluded-count').textContent = String(Object.keys(exclusions).length);
  const none = byId('excluded-none');
  none.hidden = shown.length > 0;
  none.textContent = !synced
    ? 'Not known until the cache is synced.'
    : filter.trim() === ''
      ? 'Every object in the group is served.'
      : 'None matches the filter.';
}

function renderStatus(): void {
  if (status === undefined) return;
  const w = status.watcher;
  const sync = byId('sync');
  const failing = (w?.kinds ?? []).filter((k) => !k.connected && k.lastError !== undefined && !k.tolerated);
  if (w?.fatalError !== undefined || w?.state === 'failed') {
    sync.textContent = 'watcher failed';
    sync.className = 'badge bad';
    sync.title = w.fatalError ?? '';
  } else if (w === undefined || w.synced) {
    sync.textContent = 'in sync';
    sync.className = 'badge ok';
  } else if (failing.length > 0) {
    sync.textContent = `blocked: ${failing.length} of ${w.kinds.length} watches failing`;
    sync.className = 'badge bad';
  } else {
    sync.textContent = 'syncing…';
    sync.className = 'badge warn';
  }
  document.body.dataset['synced'] = String(w === undefined || w.synced);
  const warnings = status.warnings;
  byId('warnings').hidden = warnings.length === 0;
  byId('warning-list').replaceChildren(
    ...warnings.map((x) => {
      const li = el('li', x.message);
      li.dataset['warning'] = x.code;
      return li;
    }),
  );
  renderWatches(w?.kinds ?? []);
  renderExclusions(w?.exclusions ?? {}, w === undefined || w.synced);
  const conflicts = (w?.conflicts ?? []).filter((c) => matches(c.name));
  byId('conflicts').replaceChildren(
    ...conflicts.map((c) => el('li', `${c.name}: served from ${c.kinds[0] ?? '?'}; also ${c.kinds.slice(1).join(', ')}`)),
  );
  byId('conflicts-none').hidden = conflicts.length > 0;
}

/** The event stream of the group shown. */
function openStream(): EventSource {
  if (api === TODAY_API) return new EventSource('api/v1/events?reset=version');
  return new EventSource(`${api}events?reset=version`);
}

/**
 * Picks the group to show: today's paths when they serve the one group, else the group of `?namespace=&group=`, else
 * the first served; a picker lists them all. Returns false when no group is served yet (then it tries again).
 */
async function chooseGroup(): Promise<boolean> {
  const listing = await getJson<GroupList>('api/v1/groups');
  if (listing.todayPaths) return true;
  const params = new URLSearchParams(window.location.search);
  const chosen =
    listing.groups.find((g) => g.namespace === params.get('namespace') && g.group === params.get('group')) ?? listing.groups[0];
  if (chosen === undefined) {
    showError(new Error('no group served yet'));
    return false;
  }
  api = `api/v1/namespaces/${encodeURIComponent(chosen.namespace)}/groups/${encodeURIComponent(chosen.group)}/`;
  byId('group').textContent = chosen.group;
  byId('namespace').textContent = chosen.namespace;
  const picker = byId<HTMLSelectElement>('group-picker');
  picker.replaceChildren(
    ...listing.groups.map((g) => {
      const option = el('option', `${g.namespace} / ${g.group} (${g.backends})`);
      option.value = `${g.namespace}/${g.group}`;
      option.selected = g === chosen;
      return option;
    }),
  );
  picker.addEventListener('change', () => {
    const [namespace = '', group = ''] = picker.value.split('/');
    window.location.search = `?namespace=${encodeURIComponent(namespace)}&group=${encodeURIComponent(group)}`;
  });
  byId('picker').hidden = false;
  return true;
}

/** Chooses the group, then follows it; retries while no group is served. */
function start(): void {
  chooseGroup().then(
    (chosen) => {
      if (chosen) follow();
      else window.setTimeout(start, 5000);
    },
    (error: unknown) => {
      showError(error);
      window.setTimeout(start, 5000);
    },
  );
}

function follow(): void {
  const events = openStream();
  const stream = byId('stream');
  events.onopen = () => {
    stream.textContent = 'live';
    stream.className = 'badge ok';
  };
  events.onerror = () => {
    stream.textContent = 'reconnecting…';
    stream.className = 'badge warn';
  };
  events.addEventListener('reset', () => void load().catch(showError));
  for (const type of ['upsert', 'remove']) {
    events.addEventListener(type, (e: MessageEvent<string>) => {
      flashId = (JSON.parse(e.data) as { id: string }).id;
      refreshSoon();
    });
  }
  events.addEventListener('status', (e: MessageEvent<string>) => {
    status = JSON.parse(e.data) as StatusEvent;
    renderStatus();
  });
}

function go(to: string | undefined, back: boolean): void {
  if (back) current = previous.pop();
  else {
    previous.push(current);
    current = to;
  }
  flashId = undefined;
  load().catch(showError);
}

let filterTimer: number | undefined;
byId<HTMLInputElement>('filter').addEventListener('input', (e) => {
  filter = (e.target as HTMLInputElement).value;
  window.clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => {
    previous.length = 0;
    current = undefined;
    renderStatus();
    load().catch(showError);
  }, 250);
});
byId('prev').addEventListener('click', () => go(undefined, true));
byId('next').addEventListener('click', () => go(next, false));
// Event ages move on between status events (a bookmark is no status change): re-read the status now and then.
window.setInterval(() => {
  getJson<StatusEvent>(`${api}watcher`).then((fresh) => {
    status = fresh;
    renderStatus();
    renderChanges();
  }, showError);
}, 5000);

// The stream's first event is a reset: that loads the first page and the recent changes.
start();
