import type {
  AwsStsStrategy,
  Backend,
  BackendAuthStrategy,
  BackendHealthStatus,
  BackendType,
  HeaderForwardConfig,
  OboStrategy,
  TokenExchangeStrategy,
  UpstreamInjectStrategy,
  XaaStrategy,
} from './types.ts';

/**
 * An auth strategy with every secret value removed: safe to log, serve or snapshot.
 * `*Env` fields (names of environment variables, not values) are kept.
 */
export interface PublicAuthStrategy {
  type: string;
  headerInjection?: { headerName: string; headerValueEnv?: string };
  tokenExchange?: Omit<TokenExchangeStrategy, 'clientSecret'>;
  upstreamInject?: UpstreamInjectStrategy;
  awsSts?: AwsStsStrategy;
  obo?: Omit<OboStrategy, 'clientSecret'>;
  xaa?: Omit<XaaStrategy, 'idpClientSecret' | 'targetClientSecret'>;
  /**
   * Where something was removed, e.g. `["tokenExchange.clientSecret", "custom"]`: the field names only, so a UI can
   * say "a client secret is configured". Absent when nothing was removed.
   */
  redacted?: string[];
}

/** What a public view says about a CA bundle: that there is one and how big it is, not its content. */
export interface PublicCABundle {
  present: true;
  /** Length of the PEM in UTF-8 bytes. */
  bytes: number;
}

/** A backend as APIs and UIs may show it: JSON-safe, no secret values, a fresh object owned by the caller. */
export interface PublicBackend {
  id: string;
  name: string;
  baseUrl: string;
  transportType: string;
  type?: BackendType;
  healthStatus: BackendHealthStatus;
  authConfig?: PublicAuthStrategy;
  authConfigRef?: string;
  caBundle?: PublicCABundle;
  /** Identifiers of secret headers, never their values (see `HeaderForwardConfig`). */
  headerForward?: HeaderForwardConfig;
  metadata: Record<string, string>;
}

/**
 * The non-secret fields of each known sub-object. An allowlist, not a denylist: a field added to a strategy later
 * stays hidden until someone decides it is safe to show.
 */
const PUBLIC_FIELDS = {
  headerInjection: ['headerName', 'headerValueEnv'],
  tokenExchange: ['tokenUrl', 'clientId', 'clientSecretEnv', 'audience', 'scopes', 'subjectTokenType', 'subjectProviderName'],
  upstreamInject: ['providerName'],
  awsSts: [
    'region',
    'service',
    'fallbackRoleArn',
    'roleMappings',
    'roleClaim',
    'sessionDuration',
    'sessionNameClaim',
    'subjectProviderName',
  ],
  obo: ['tokenUrl', 'clientId', 'clientSecretEnv', 'audience', 'scopes', 'subjectTokenProviderName', 'cacheSkewSeconds'],
  xaa: [
    'idpTokenUrl',
    'idpClientId',
    'idpClientSecretEnv',
    'targetTokenUrl',
    'insecureTargetTokenUrl',
    'targetClientId',
    'targetClientSecretEnv',
    'targetAudience',
    'targetResource',
    'scopes',
    'subjectProviderName',
    'subjectTokenType',
  ],
} as const satisfies Record<string, readonly string[]>;

/** Public fields that hold a URL: shown through {@link publicUrl}, as every URL is. */
const URL_FIELDS: ReadonlySet<string> = new Set(['tokenUrl', 'idpTokenUrl', 'targetTokenUrl']);

const ROLE_MAPPING_FIELDS = ['claim', 'matcher', 'roleArn', 'priority'] as const;

type SubObjectName = keyof typeof PUBLIC_FIELDS;

function isSubObjectName(key: string): key is SubObjectName {
  return Object.prototype.hasOwnProperty.call(PUBLIC_FIELDS, key);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Scalars and arrays of scalars pass; anything else (including nested objects) is left out. */
function publicScalar(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    default:
      if (Array.isArray(value)) return value.filter((v) => typeof v === 'string' || typeof v === 'number');
      return undefined;
  }
}

function pickFields(source: Record<string, unknown>, allowed: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of allowed) {
    const raw = source[field];
    const value =
      field === 'roleMappings' && Array.isArray(raw)
        ? raw.filter(isRecord).map((mapping) => pickFields(mapping, ROLE_MAPPING_FIELDS))
        : URL_FIELDS.has(field) && typeof raw === 'string'
          ? publicUrl(raw)
          : publicScalar(raw);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/**
 * `strategy` without secret values: `type`, and for each known sub-object its non-secret fields. Removed:
 * `clientSecret`, `headerValue`, `idpClientSecret`, `targetClientSecret`, the whole `custom` object and anything
 * this function does not know. The result is a new JSON-safe object; the input is not modified.
 */
export function redactAuthStrategy(strategy: BackendAuthStrategy): PublicAuthStrategy {
  const source: Record<string, unknown> = isRecord(strategy) ? strategy : {};
  const out: Record<string, unknown> = { type: typeof source['type'] === 'string' ? source['type'] : '' };
  const redacted: string[] = [];
  for (const key of Object.keys(source)) {
    if (key === 'type') continue;
    const value = source[key];
    if (value === undefined) continue;
    if (!isSubObjectName(key) || !isRecord(value)) {
      redacted.push(key);
      continue;
    }
    const allowed: readonly string[] = PUBLIC_FIELDS[key];
    out[key] = pickFields(value, allowed);
    for (const field of Object.keys(value)) {
      if (value[field] !== undefined && !allowed.includes(field)) redacted.push(`${key}.${field}`);
    }
  }
  if (redacted.length > 0) out['redacted'] = redacted;
  return out as unknown as PublicAuthStrategy;
}

/** What replaces a URL's userinfo (user *and* password) in public output. */
export const MASKED_USERINFO = '***';

// A scheme followed by `//`, as RFC 3986 writes an authority. Anything else that holds an `@` is ambiguous.
const SCHEME_AND_SLASHES = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
// Where an authority ends for every parser we know of (WHATWG also ends it at `\` for http/https).
const AUTHORITY_END = /[/\\?#]/;

/**
 * The part of `url` that may be shown to a person or another process: APIs, the event stream, the status page,
 * logs and error messages all go through this one function.
 *
 * It fails closed and never parses: a plain string rule on the raw text decides, so a URL no parser accepts is as
 * safe as a valid one.
 * - No `@` anywhere: there is no userinfo by any reading; the URL is shown as is.
 * - `scheme://` then an authority (up to the first `/`, `\`, `?` or `#`) that holds every `@` of the URL:
 *   everything before the authority's last `@` (user *and* password) becomes `***`.
 * - Any other `@` (no `scheme://`, or an `@` after the authority, as in `https://u:p?w@host` where parsers
 *   disagree on where the authority ends): the whole URL is replaced by a placeholder that says why.
 */
export function publicUrl(url: string): string {
  if (!url.includes('@')) return url;
  const start = SCHEME_AND_SLASHES.exec(url)?.[0].length;
  if (start === undefined) return '[URL hidden: it holds an "@" but no scheme://, so userinfo cannot be told apart]';
  const rest = url.slice(start);
  const end = rest.search(AUTHORITY_END);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const tail = end < 0 ? '' : rest.slice(end);
  if (tail.includes('@')) return '[URL hidden: it holds an "@" after the host part, which may be a misplaced credential]';
  const at = authority.lastIndexOf('@');
  return `${url.slice(0, start)}${MASKED_USERINFO}${authority.slice(at)}${tail}`;
}

const utf8 = new TextEncoder();

/**
 * A JSON-safe view of `backend` for APIs and UIs: auth replaced by {@link redactAuthStrategy}, the CA bundle by its
 * size, every URL (`baseUrl`, metadata `remote_url`, the strategies' token URLs) by {@link publicUrl}.
 * `headerForwardSecretValues` is never copied (the header names and identifiers stay visible in `headerForward`). A
 * fresh object owned by the caller.
 */
export function toPublicBackend(backend: Backend): PublicBackend {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(backend.metadata ?? {})) {
    if (typeof value === 'string') metadata[key] = key === 'remote_url' ? publicUrl(value) : value;
  }
  const out: PublicBackend = {
    id: backend.id,
    name: backend.name,
    baseUrl: publicUrl(backend.baseUrl),
    transportType: backend.transportType,
    healthStatus: backend.healthStatus,
    metadata,
  };
  if (backend.type !== undefined) out.type = backend.type;
  if (backend.authConfig !== undefined) out.authConfig = redactAuthStrategy(backend.authConfig);
  if (backend.authConfigRef !== undefined) out.authConfigRef = backend.authConfigRef;
  if (typeof backend.caBundleData === 'string') {
    out.caBundle = { present: true, bytes: utf8.encode(backend.caBundleData).length };
  }
  if (backend.headerForward !== undefined) {
    const forward: HeaderForwardConfig = {};
    if (backend.headerForward.addPlaintextHeaders !== undefined) {
      forward.addPlaintextHeaders = { ...backend.headerForward.addPlaintextHeaders };
    }
    if (backend.headerForward.addHeadersFromSecret !== undefined) {
      forward.addHeadersFromSecret = { ...backend.headerForward.addHeadersFromSecret };
    }
    out.headerForward = forward;
  }
  return out;
}
