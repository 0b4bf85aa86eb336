/**
 * The independent oracle: from a snapshot of what the API server holds, the backends a watcher of `group` must
 * serve. A deliberately small re-statement of the conversion rules (the discoverer README's conversion rules, docs/architecture.md) for
 * the fields this suite generates — it shares no code with the discoverer or reconciler, so a bug there cannot hide
 * by being repeated here.
 *
 * Rules: candidates are the objects whose spec.groupRef.name is the group; per name, precedence MCPServer >
 * MCPRemoteProxy > MCPServerEntry among those candidates, and only the winner is converted (if the winner is not
 * servable, the name is not served). Server/proxy need status.url; an entry needs status.phase Valid and uses
 * spec.remoteUrl. Every URL served or shown (status.url, an entry's or a proxy's remoteUrl) must be http(s) with a
 * host and a port from 1 to 65535. An auth reference is served only if the auth config exists and (for header
 * injection and token exchange) its Secret exists with the key.
 *
 * Exclusions (what the watcher reports as existing but not served, by name): the first kind by precedence with
 * `out-of-group` when no object of the name is in the group; the winner with the reason its conversion fails
 * (`entry-not-valid`, `no-url`, `invalid-url`, `auth-unresolved`); the first shadowed kind with `name-conflict` when
 * the winner is served but other kinds share its name in the group.
 */

/** Raw objects as listed (plain JSON). */
export type RawObject = Record<string, unknown>;

/** Everything the oracle reads, per kind, as the API server holds it. */
export interface Snapshot {
  namespace: string;
  servers: RawObject[];
  proxies: RawObject[];
  entries: RawObject[];
  authConfigs: RawObject[];
  secrets: RawObject[];
}

/** What the suite compares for one backend. Secret values are kept for comparison and never printed. */
export interface ExpectedBackend {
  id: string;
  kind: 'MCPServer' | 'MCPRemoteProxy' | 'MCPServerEntry';
  baseUrl: string;
  transportType: string;
  type: string;
  healthStatus: string;
  authConfigRef: string;
  authType: string;
  /** The resolved secret value (header value or client secret), '' when none. */
  authSecret: string;
  metadata: Record<string, string>;
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const nameOf = (o: RawObject): string => str(obj(o['metadata'])['name']);
const groupOf = (o: RawObject): string => str(obj(obj(o['spec'])['groupRef'])['name']);

const SYSTEM_PREFIXES = ['kubectl.kubernetes.io/', 'kubernetes.io/', 'deployment.kubernetes.io/', 'k8s.io/'];
const KNOWN_TRANSPORTS = new Set(['stdio', 'sse', 'streamable-http', 'inspector']);

/** Upstream ParseTransportType with the discoverer's fallback to streamable-http. */
function parsedTransport(t: string): string {
  const lower = t === t.toUpperCase() ? t.toLowerCase() : t;
  return KNOWN_TRANSPORTS.has(lower) ? lower : 'streamable-http';
}

function serverTransport(spec: Record<string, unknown>): string {
  const t = parsedTransport(str(spec['transport']));
  if (t !== 'stdio') return t;
  const mode = str(spec['proxyMode']);
  return mode === '' ? 'streamable-http' : mode;
}

function health(kind: ExpectedBackend['kind'], phase: string): string {
  if (kind === 'MCPServerEntry') return phase === 'Valid' ? 'healthy' : phase === 'Failed' ? 'unhealthy' : 'unknown';
  if (phase === 'Ready') return 'healthy';
  if (phase === 'Failed' || phase === 'Terminating' || (kind === 'MCPServer' && phase === 'Stopped')) return 'unhealthy';
  return 'unknown';
}

function secretValue(snapshot: Snapshot, ref: unknown): string | undefined {
  const r = obj(ref);
  const secret = snapshot.secrets.find((s) => nameOf(s) === str(r['name']));
  if (!secret) return undefined;
  const data = obj(secret['data']);
  const key = str(r['key']);
  if (!Object.hasOwn(data, key)) return undefined;
  return Buffer.from(str(data[key]), 'base64').toString('utf8');
}

/** Whether a URL is one a gateway can use: http(s), a host, a port 1–65535 (restated with WHATWG's parser). */
function usableUrl(raw: string): boolean {
  if (!/^https?:\/\//i.test(raw) || /[\s\\]/.test(raw)) return false;
  const authority = raw.replace(/^https?:\/\//i, '').split(/[/?#]/, 1)[0] ?? '';
  const explicitPort = /:([0-9]*)$/.exec(authority.slice(authority.lastIndexOf('@') + 1).replace(/^\[.*\]/, ''))?.[1];
  if (explicitPort !== undefined && explicitPort !== '' && (Number(explicitPort) < 1 || Number(explicitPort) > 65535)) return false;
  try {
    return new URL(raw).hostname !== '';
  } catch {
    return false;
  }
}

/** The resolved auth of a workload: null = not servable; undefined fields = no auth. */
function resolveAuth(snapshot: Snapshot, spec: Record<string, unknown>): { ref: string; type: string; secret: string } | null {
  const refName = str(obj(spec['externalAuthConfigRef'])['name']);
  if (refName === '') return { ref: '', type: '', secret: '' };
  const config = snapshot.authConfigs.find((a) => nameOf(a) === refName);
  if (!config) return null;
  const cs = obj(config['spec']);
  switch (str(cs['type'])) {
    case 'unauthenticated':
      return { ref: refName, type: 'unauthenticated', secret: '' };
    case 'headerInjection': {
      const value = secretValue(snapshot, obj(cs['headerInjection'])['valueSecretRef']);
      return value === undefined ? null : { ref: refName, type: 'header_injection', secret: value };
    }
    case 'tokenExchange': {
      const te = obj(cs['tokenExchange']);
      if (te['clientSecretRef'] === undefined) return { ref: refName, type: 'token_exchange', secret: '' };
      const value = secretValue(snapshot, te['clientSecretRef']);
      return value === undefined ? null : { ref: refName, type: 'token_exchange', secret: value };
    }
    default:
      return null;
  }
}

function metadataOf(o: RawObject, kind: ExpectedBackend['kind'], namespace: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(obj(o['metadata'])['annotations']))) {
    if (!SYSTEM_PREFIXES.some((p) => k.startsWith(p)) && typeof v === 'string') out[k] = v;
  }
  out['tool_type'] = 'mcp';
  out['workload_type'] = kind === 'MCPServer' ? 'mcp_server' : kind === 'MCPRemoteProxy' ? 'remote_proxy' : 'server_entry';
  out['workload_status'] = str(obj(o['status'])['phase']);
  if (kind !== 'MCPServer') out['remote_url'] = str(obj(o['spec'])['remoteUrl']);
  if (namespace !== '') out['namespace'] = namespace;
  return out;
}

/** The reason code a workload is not served, as the discoverer decides it, in its order. */
export type ExpectedReason = 'entry-not-valid' | 'no-url' | 'invalid-url' | 'auth-unresolved';

function convert(snapshot: Snapshot, kind: ExpectedBackend['kind'], o: RawObject): ExpectedBackend | ExpectedReason {
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const phase = str(status['phase']);
  if (kind === 'MCPServerEntry' && phase !== 'Valid') return 'entry-not-valid';
  const baseUrl = kind === 'MCPServerEntry' ? str(spec['remoteUrl']) : str(status['url']);
  if (baseUrl === '') return 'no-url';
  if (!usableUrl(baseUrl)) return 'invalid-url';
  const remoteUrl = str(spec['remoteUrl']);
  if (kind === 'MCPRemoteProxy' && remoteUrl !== '' && !usableUrl(remoteUrl)) return 'invalid-url';
  const auth = resolveAuth(snapshot, spec);
  if (auth === null) return 'auth-unresolved';
  return {
    id: nameOf(o),
    kind,
    baseUrl,
    transportType: kind === 'MCPServer' ? serverTransport(spec) : parsedTransport(str(spec['transport'])),
    type: kind === 'MCPServerEntry' ? 'entry' : '',
    healthStatus: health(kind, phase),
    authConfigRef: auth.ref,
    authType: auth.type,
    authSecret: auth.secret,
    metadata: metadataOf(o, kind, str(obj(o['metadata'])['namespace']) || snapshot.namespace),
  };
}

/** One expected exclusion: the kind the watcher names and the reason code. */
export interface ExpectedExclusion {
  kind: ExpectedBackend['kind'];
  code: ExpectedReason | 'out-of-group' | 'name-conflict';
}

/** What a watcher of `group` must serve and report as not served, by name. */
export interface Expectation {
  backends: Map<string, ExpectedBackend>;
  exclusions: Map<string, ExpectedExclusion>;
}

/** The backends and exclusions a watcher of `group` must show. */
export function expectedState(snapshot: Snapshot, group: string): Expectation {
  const byName = new Map<string, [ExpectedBackend['kind'], RawObject][]>();
  const sources: [ExpectedBackend['kind'], RawObject[]][] = [
    ['MCPServer', snapshot.servers],
    ['MCPRemoteProxy', snapshot.proxies],
    ['MCPServerEntry', snapshot.entries],
  ];
  for (const [kind, objects] of sources) {
    for (const o of objects) {
      const list = byName.get(nameOf(o)) ?? [];
      list.push([kind, o]);
      byName.set(nameOf(o), list);
    }
  }
  const backends = new Map<string, ExpectedBackend>();
  const exclusions = new Map<string, ExpectedExclusion>();
  for (const [name, all] of byName) {
    // Sources are iterated in precedence order, so each list is too.
    const candidates = all.filter(([, o]) => groupOf(o) === group);
    const winner = candidates[0];
    if (!winner) {
      const first = all[0];
      if (first) exclusions.set(name, { kind: first[0], code: 'out-of-group' });
      continue;
    }
    const outcome = convert(snapshot, winner[0], winner[1]);
    if (typeof outcome === 'string') {
      exclusions.set(name, { kind: winner[0], code: outcome });
      continue;
    }
    backends.set(name, outcome);
    const shadowed = candidates[1];
    if (shadowed) exclusions.set(name, { kind: shadowed[0], code: 'name-conflict' });
  }
  return { backends, exclusions };
}

/** The backends a watcher of `group` must serve, by id. */
export function expectedBackends(snapshot: Snapshot, group: string): Map<string, ExpectedBackend> {
  return expectedState(snapshot, group).backends;
}
