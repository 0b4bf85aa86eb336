/**
 * Every setting of the service, once: flag, environment variable, parser (with its accepted range), default and
 * help. The `parseArgs` options, the usage text and the per-setting validation are all generated from this table,
 * so a new setting is one row (plus, for a setting with rules of its own, the lines in `load.ts` that apply them).
 */
import {
  booleanText,
  integerIn,
  listenAddress,
  nameList,
  oneOf,
  optionalListenAddress,
  text,
  type LogFormat,
  type LogLevel,
  type Parser,
} from './parsers.ts';

/** One setting. */
export interface Setting<T> {
  /** The long flag, without `--`. */
  flag: string;
  /** The environment variable, if any. Flags win over it. */
  env?: string;
  /** The value's placeholder in the usage text; absent for a boolean flag. */
  arg?: string;
  short?: string;
  parser: Parser<T>;
  /** The default, as text run through `parser` like any value. Absent: the setting is unset unless given. */
  default?: string;
  /** How the usage text shows a default the table cannot hold (computed ones). */
  defaultText?: string;
  help: string;
}

function setting<T>(row: Setting<T>): Setting<T> {
  return row;
}

const flagOnly = { accepts: '', parse: () => true } satisfies Parser<boolean>;

/** The settings table, in usage order. */
export const SETTINGS = {
  namespace: setting({
    flag: 'namespace',
    env: 'VMCP_NAMESPACE',
    arg: 'NAME[,NAME…]',
    parser: text,
    defaultText: "in a pod: the pod's namespace",
    help: 'namespace(s) to watch: one watch per kind per namespace, and a Role in each',
  }),
  allNamespaces: setting({
    flag: 'all-namespaces',
    env: 'VMCP_ALL_NAMESPACES',
    parser: booleanText,
    help: 'watch every namespace (one watch per kind across the cluster; needs a ClusterRole, which lets the service list Secret metadata everywhere)',
  }),
  group: setting({
    flag: 'group',
    env: 'VMCP_GROUP',
    arg: 'NAME[,NAME…]',
    parser: text,
    defaultText: 'groupRef of --config',
    help: 'MCPGroup(s) whose backends to serve (name; with one namespace also namespace/name)',
  }),
  allGroups: setting({
    flag: 'all-groups',
    env: 'VMCP_ALL_GROUPS',
    parser: booleanText,
    help: 'serve every MCPGroup of the watched namespaces, following the MCPGroup objects',
  }),
  maxGroups: setting({
    flag: 'max-groups',
    env: 'VMCP_MAX_GROUPS',
    arg: 'N',
    parser: integerIn(1, 10_000),
    default: '100',
    help: 'most groups served per namespace under --all-groups (the rest are reported, not served); caps memory and metric series',
  }),
  config: setting({
    flag: 'config',
    env: 'VMCP_CONFIG',
    arg: 'PATH',
    parser: text,
    help: "upstream vMCP config file (groupRef; outgoingAuth.source must be 'discovered')",
  }),
  kubeconfig: setting({
    flag: 'kubeconfig',
    env: 'KUBECONFIG',
    arg: 'PATH',
    parser: text,
    defaultText: 'in a pod: in-cluster; else $HOME/.kube/config; else the service stops',
    help: 'kubeconfig file, or PATH:PATH… merged as kubectl does (the first file wins per name)',
  }),
  context: setting({ flag: 'context', arg: 'NAME', parser: text, defaultText: 'the current context', help: 'kubeconfig context to use' }),
  listen: setting({
    flag: 'listen',
    env: 'VMCP_LISTEN',
    arg: 'ADDR',
    parser: listenAddress,
    default: ':8080',
    help: 'address of the API, the status page and the event stream',
  }),
  probeListen: setting({
    flag: 'health-probe-bind-address',
    env: 'VMCP_HEALTH_PROBE_BIND_ADDRESS',
    arg: 'ADDR',
    parser: listenAddress,
    default: ':8081',
    help: 'address of /healthz, /readyz and /livez',
  }),
  metricsListen: setting({
    flag: 'metrics-bind-address',
    env: 'VMCP_METRICS_BIND_ADDRESS',
    arg: 'ADDR',
    parser: optionalListenAddress,
    default: ':9090',
    help: 'address of /metrics',
  }),
  logLevel: setting<LogLevel>({
    flag: 'log-level',
    env: 'VMCP_LOG_LEVEL',
    arg: 'LEVEL',
    parser: oneOf(['debug', 'info', 'warn', 'error'], 'log level'),
    default: 'info',
    help: 'least severe level logged',
  }),
  logFormat: setting<LogFormat>({
    flag: 'log-format',
    env: 'VMCP_LOG_FORMAT',
    arg: 'FORMAT',
    parser: oneOf(['json', 'text'], 'log format'),
    default: 'json',
    help: 'one JSON object per line, or text for people',
  }),
  workers: setting({
    flag: 'workers',
    env: 'VMCP_WORKERS',
    arg: 'N',
    parser: integerIn(1, 64),
    defaultText: "the watcher's (4)",
    help: 'concurrent reconciles',
  }),
  maxSseClients: setting({
    flag: 'max-sse-clients',
    env: 'VMCP_MAX_SSE_CLIENTS',
    arg: 'N',
    parser: integerIn(1, 10_000),
    default: '100',
    help: 'concurrent event-stream clients (of each group); more get 503',
  }),
  readinessTimeoutMs: setting({
    flag: 'readiness-timeout',
    env: 'VMCP_READINESS_TIMEOUT_MS',
    arg: 'MS',
    parser: integerIn(100, 60_000),
    default: '5000',
    help: 'how long /readyz waits for the cache sync',
  }),
  tlsCertFile: setting({
    flag: 'tls-cert-file',
    env: 'VMCP_TLS_CERT_FILE',
    arg: 'PATH',
    parser: text,
    help: 'serving certificate (PEM); with --tls-key-file the --listen port serves HTTPS (probes and metrics stay plain); reloaded when it changes',
  }),
  tlsKeyFile: setting({
    flag: 'tls-key-file',
    env: 'VMCP_TLS_KEY_FILE',
    arg: 'PATH',
    parser: text,
    help: 'private key of --tls-cert-file (PEM)',
  }),
  tlsMinVersion: setting<'1.2' | '1.3'>({
    flag: 'tls-min-version',
    env: 'VMCP_TLS_MIN_VERSION',
    arg: 'VERSION',
    parser: oneOf(['1.2', '1.3'], 'TLS version'),
    default: '1.2',
    help: 'oldest TLS version accepted',
  }),
  feed: setting({
    flag: 'feed',
    env: 'VMCP_FEED',
    parser: booleanText,
    help: 'serve the registry feed (full backends, secret values included) at /api/v1/feed/*, to tokens Kubernetes allows; needs TLS',
  }),
  authAudiences: setting({
    flag: 'auth-audiences',
    env: 'VMCP_AUTH_AUDIENCES',
    arg: 'A,B',
    parser: nameList,
    default: 'vmcp-watcher',
    help: 'audiences a bearer token must be issued for (TokenReview)',
  }),
  authPublic: setting({
    flag: 'auth-public',
    env: 'VMCP_AUTH_PUBLIC',
    parser: booleanText,
    help: 'the same token check on the public API, page and event stream; needs TLS',
  }),
  printClusterSource: setting({
    flag: 'print-cluster-source',
    parser: flagOnly,
    help: 'print where the cluster would come from (kubeconfig PATH, in-cluster or none) and exit',
  }),
  help: setting({ flag: 'help', short: 'h', parser: flagOnly, help: 'show this help' }),
  version: setting({ flag: 'version', parser: flagOnly, help: 'print the version' }),
} as const;

/** The name of a row of {@link SETTINGS}. */
export type SettingName = keyof typeof SETTINGS;

/** `parseArgs` options generated from the table: a string option for a setting with a value, else a boolean. */
export const PARSE_ARGS_OPTIONS: Record<string, { type: 'string' | 'boolean'; short?: string }> = Object.fromEntries(
  Object.values(SETTINGS).map((s: Setting<unknown>) => [
    s.flag,
    { type: s.arg === undefined ? 'boolean' : 'string', ...(s.short !== undefined ? { short: s.short } : {}) },
  ]),
);
