/**
 * The status page's browser script (type-checked against the DOM, linted, and inlined into the page at build time as
 * `script.generated.ts`). It shows one page of backends at a time from `/api/v1/backends` (so a registry of any
 * size costs the browser one page), and follows `/api/v1/events?reset=version`: the stream's `reset` (first thing it
 * sends, and again after a gap) and every change re-read the current page, at most once per `REFRESH_MS`; `status`
 * events carry sync state and exclusions. EventSource resumes by itself after a reconnect. Every cluster-provided
 * string goes in through `textContent`, never as HTML.
 */

/** The public backend fields the page shows (see `PublicBackend`; a too-large backend carries `omitted`). */
interface ShownBackend {
  id: string;
  name: string;
  baseUrl: string;
  transportType: string;
  type?: string;
  healthStatus: string;
  authConfigRef?: string;
  authConfig?: { type: string; redacted?: string[] } & Record<string, unknown>;
  metadata: Record<string, string>;
  omitted?: { reason: string; bytes?: number; limitBytes: number };
}

interface ListPage {
  version: number;
  count: number;
  continue?: string;
  backends: ShownBackend[];
}

interface Exclusion {
  name: string;
  kind?: string;
  reason: { code: string; message: string };
}

interface StatusEvent {
  synced?: boolean;
  fatalError?: string;
  exclusions?: Exclusion[];
}

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
const changes: { type: string; name: string; version: string; at: Date }[] = [];

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

function healthClass(health: string): string {
  return health === 'healthy' ? 'ok' : health === 'unhealthy' ? 'bad' : 'warn';
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
  tr.append(url, el('td', b.transportType));
  const health = el('td');
  health.append(el('span', b.healthStatus, `badge ${healthClass(b.healthStatus)}`));
  tr.append(health, authCell(b));
  return tr;
}

function renderPage(page: ListPage): void {
  byId('backends').replaceChildren(...page.backends.map(row));
  byId('count').textContent = String(page.count);
  byId('version').textContent = String(page.version);
  byId('empty').hidden = page.count > 0;
  const first = previous.length * PAGE_SIZE;
  byId('range').textContent = page.backends.length === 0 ? '' : `${first + 1}–${first + page.backends.length} of ${page.count}`;
  byId<HTMLButtonElement>('prev').disabled = previous.length === 0;
  byId<HTMLButtonElement>('next').disabled = page.continue === undefined;
  next = page.continue;
}

async function load(): Promise<ListPage> {
  const query = `limit=${PAGE_SIZE}${current === undefined ? '' : `&continue=${encodeURIComponent(current)}`}`;
  const res = await fetch(`api/v1/backends?${query}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`the backend list answered ${res.status}`);
  const page = (await res.json()) as ListPage;
  renderPage(page);
  return page;
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
  const badge = byId('stream');
  badge.textContent = error instanceof Error ? error.message : String(error);
  badge.className = 'badge bad';
}

function renderExclusions(exclusions: Exclusion[]): void {
  const ul = byId('excluded');
  ul.replaceChildren(
    ...exclusions.map((x) => {
      const li = el('li');
      li.dataset['excluded'] = x.name;
      li.append(el('code', x.name), el('span', ` ${x.kind ?? ''} — ${x.reason.code}: ${x.reason.message}`, 'muted'));
      return li;
    }),
  );
  byId('excluded-none').hidden = exclusions.length > 0;
}

function addChange(type: string, name: string, version: string): void {
  changes.unshift({ type, name, version, at: new Date() });
  changes.length = Math.min(changes.length, 25);
  byId('changes').replaceChildren(...changes.map((c) => el('li', `${c.at.toLocaleTimeString()}  v${c.version}  ${c.type}  ${c.name}`)));
}

function setSync(status: StatusEvent): void {
  const badge = byId('sync');
  if (status.fatalError !== undefined) {
    badge.textContent = 'watcher failed';
    badge.className = 'badge bad';
  } else if (status.synced === true) {
    badge.textContent = 'in sync';
    badge.className = 'badge ok';
  } else {
    badge.textContent = 'syncing…';
    badge.className = 'badge warn';
  }
  document.body.dataset['synced'] = String(status.synced === true);
}

function follow(): void {
  const events = new EventSource('api/v1/events?reset=version');
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
      const changed = JSON.parse(e.data) as { id: string; name: string };
      flashId = changed.id;
      addChange(type, changed.name, e.lastEventId);
      refreshSoon();
    });
  }
  events.addEventListener('status', (e: MessageEvent<string>) => {
    const status = JSON.parse(e.data) as StatusEvent;
    setSync(status);
    renderExclusions(status.exclusions ?? []);
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

byId('prev').addEventListener('click', () => go(undefined, true));
byId('next').addEventListener('click', () => go(next, false));

// The stream's first event is a reset: that loads the first page.
follow();
