/**
 * The operations of the convergence suite and their seeded generator.
 *
 * The generator depends on the seed alone (never on API answers), so a seed replays the same sequence. Operations
 * are written so they are valid whatever exists: a "put" creates or updates, a status change or delete of a
 * missing object is a no-op. The name pool is large enough that checks expect tens of backends from the random
 * operations alone, and small enough that names still collide across kinds (same-name objects of different kinds);
 * auth configs and Secrets are shared, references dangle now and then, and some URLs are hostile. Operations also
 * reach the bulk objects (`bulkName`), so the ones a relist pages through keep changing.
 */
import type { Rng } from './rng.ts';

export type SourceKind = 'MCPServer' | 'MCPRemoteProxy' | 'MCPServerEntry';
export const SOURCE_KINDS: readonly SourceKind[] = ['MCPServer', 'MCPRemoteProxy', 'MCPServerEntry'];

/** The group the watcher serves, and another one objects move to and from. */
export const WATCHED_GROUP = 'g1';
export const OTHER_GROUP = 'g2';

export const NAMES: readonly string[] = Array.from({ length: 40 }, (_, i) => `w${String(i).padStart(2, '0')}`);
/** The name of the i-th bulk MCPServer (created before the sequence; see `ConvergenceOptions.bulkServers`). */
export const bulkName = (i: number): string => `bulk-${String(i).padStart(4, '0')}`;
/** URLs no gateway can use: each makes its object `invalid-url`. */
export const HOSTILE_URLS = [
  'javascript:alert(1)',
  'file:///etc/passwd',
  'http://h.example.com:99999/mcp',
  'https://u:pw@h.example.com:0/mcp',
] as const;
/** The hostile URLs the CRDs let into `spec.remoteUrl` (its schema requires `^https?://`). */
export const HOSTILE_REMOTE_URLS = [
  'http://h.example.com:99999/mcp',
  'https://u:pw@h.example.com:0/mcp',
  'https://user:se?cret@h.example.com/mcp',
] as const;
export const AUTH_NAMES = ['auth-a', 'auth-b', 'auth-c'] as const;
export const SECRET_NAMES = ['sec-a', 'sec-b'] as const;
export const SECRET_KEYS = ['token', 'other'] as const;

export type AuthType = 'headerInjection' | 'unauthenticated' | 'tokenExchange';

export type Operation =
  | {
      op: 'put-workload';
      kind: SourceKind;
      name: string;
      /** null = no groupRef (not allowed for entries, which always get one). */
      group: string | null;
      transport: string;
      proxyMode?: string;
      /** null = no externalAuthConfigRef. */
      authRef: string | null;
      /** A free annotation, copied into backend metadata. */
      note: string;
      /** spec.remoteUrl of a proxy or an entry (usually `remoteUrlFor(name)`, sometimes hostile). */
      remoteUrl?: string;
    }
  | { op: 'set-status'; kind: SourceKind; name: string; url: string | null; phase: string }
  | { op: 'move-group'; kind: SourceKind; name: string; group: string | null }
  | { op: 'delete-workload'; kind: SourceKind; name: string }
  | { op: 'put-auth'; name: string; type: AuthType; secret: string; key: string }
  | { op: 'delete-auth'; name: string }
  | { op: 'put-secret'; name: string; data: Record<string, string> }
  | { op: 'delete-secret'; name: string };

const PHASES: Record<SourceKind, readonly string[]> = {
  MCPServer: ['Pending', 'Ready', 'Ready', 'Failed', 'Terminating', 'Stopped', 'Running'],
  MCPRemoteProxy: ['Pending', 'Ready', 'Ready', 'Failed', 'Terminating'],
  MCPServerEntry: ['Valid', 'Valid', 'Pending', 'Failed'],
};

const TRANSPORTS: Record<SourceKind, readonly string[]> = {
  MCPServer: ['stdio', 'sse', 'streamable-http'],
  MCPRemoteProxy: ['sse', 'streamable-http'],
  MCPServerEntry: ['sse', 'streamable-http'],
};

/** The remote URL a proxy or entry of this name points to (fixed per name unless an operation makes it hostile). */
export const remoteUrlFor = (name: string): string => `https://${name}.remote.example.com/mcp`;

/**
 * Generates one operation. `counter` makes written values unique (rotated secrets, notes, URLs); `bulk` is how many
 * bulk MCPServers exist (status changes, moves and deletes reach them too).
 */
export function generateOperation(rng: Rng, counter: number, bulk = 0): Operation {
  let kind = rng.pick(SOURCE_KINDS);
  let name = rng.pick(NAMES);
  const group = (): string | null =>
    kind === 'MCPServerEntry'
      ? rng.pick([WATCHED_GROUP, WATCHED_GROUP, OTHER_GROUP])
      : rng.pick([WATCHED_GROUP, WATCHED_GROUP, OTHER_GROUP, null]);
  const type = rng.weighted<Operation['op']>([
    ['put-workload', 6],
    ['set-status', 6],
    ['move-group', 2],
    ['delete-workload', 1],
    ['put-auth', 2],
    ['delete-auth', 1],
    ['put-secret', 3],
    ['delete-secret', 1],
  ]);
  if (bulk > 0 && (type === 'set-status' || type === 'move-group' || type === 'delete-workload') && rng.chance(0.3)) {
    kind = 'MCPServer';
    name = bulkName(rng.int(0, bulk - 1));
  }
  switch (type) {
    case 'put-workload': {
      const transport = rng.pick(TRANSPORTS[kind]);
      return {
        op: 'put-workload',
        kind,
        name,
        group: group(),
        transport,
        ...(kind === 'MCPServer' && transport === 'stdio' && rng.chance(0.5) ? { proxyMode: rng.pick(['sse', 'streamable-http']) } : {}),
        authRef: rng.chance(0.3) ? rng.pick(AUTH_NAMES) : null,
        note: `n${counter}`,
        ...(kind === 'MCPServer' ? {} : { remoteUrl: rng.chance(0.1) ? rng.pick(HOSTILE_REMOTE_URLS) : remoteUrlFor(name) }),
      };
    }
    case 'set-status':
      return {
        op: 'set-status',
        kind,
        name,
        url:
          kind === 'MCPServerEntry' || rng.chance(0.8)
            ? rng.chance(0.06)
              ? rng.pick(HOSTILE_URLS)
              : `http://${name}-${counter}.svc:8080/mcp`
            : null,
        phase: rng.pick(PHASES[kind]),
      };
    case 'move-group':
      return { op: 'move-group', kind, name, group: group() };
    case 'delete-workload':
      return { op: 'delete-workload', kind, name };
    case 'put-auth':
      return {
        op: 'put-auth',
        name: rng.pick(AUTH_NAMES),
        type: rng.pick<AuthType>(['headerInjection', 'headerInjection', 'unauthenticated', 'tokenExchange']),
        secret: rng.pick(SECRET_NAMES),
        key: rng.pick(SECRET_KEYS),
      };
    case 'delete-auth':
      return { op: 'delete-auth', name: rng.pick(AUTH_NAMES) };
    case 'put-secret': {
      // Usually rotate the main key; sometimes drop or add the other one (a key that vanishes unresolves auth).
      const data: Record<string, string> = {};
      for (const key of SECRET_KEYS) if (key === 'token' ? rng.chance(0.85) : rng.chance(0.5)) data[key] = `v${counter}-${key}`;
      return { op: 'put-secret', name: rng.pick(SECRET_NAMES), data };
    }
    case 'delete-secret':
      return { op: 'delete-secret', name: rng.pick(SECRET_NAMES) };
  }
}

/** A one-line description for logs and divergence reports (secret values are test data, but shown as lengths). */
export function describeOperation(o: Operation): string {
  switch (o.op) {
    case 'put-workload':
      return `put ${o.kind}/${o.name} group=${o.group ?? '-'} transport=${o.transport}${o.proxyMode ? `/${o.proxyMode}` : ''} auth=${o.authRef ?? '-'} note=${o.note}${o.remoteUrl === undefined || o.remoteUrl === remoteUrlFor(o.name) ? '' : ` remoteUrl=${o.remoteUrl}`}`;
    case 'set-status':
      return `status ${o.kind}/${o.name} url=${o.url ?? '-'} phase=${o.phase}`;
    case 'move-group':
      return `move ${o.kind}/${o.name} → ${o.group ?? '-'}`;
    case 'delete-workload':
      return `delete ${o.kind}/${o.name}`;
    case 'put-auth':
      return `put MCPExternalAuthConfig/${o.name} ${o.type} → ${o.secret}[${o.key}]`;
    case 'delete-auth':
      return `delete MCPExternalAuthConfig/${o.name}`;
    case 'put-secret':
      return `put Secret/${o.name} keys=${Object.keys(o.data).join(',') || '(none)'}`;
    case 'delete-secret':
      return `delete Secret/${o.name}`;
  }
}
