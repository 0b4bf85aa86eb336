/**
 * Start-up configuration: command-line flags, environment variables and (for the group) upstream's vMCP config
 * file, with precedence flags > environment > file. Pure: every input (argv, env, files) is injected, so each rule
 * is unit-tested. An invalid setting throws one {@link ConfigError} whose message names the setting.
 */
import { parseArgs } from 'node:util';
import { parseGroupRef, validateNamespace } from '@vmcp/reconciler';
import { parse as parseYaml } from 'yaml';

/** The service-account namespace file Kubernetes mounts into every pod. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
/** The service-account token file; its presence (with KUBERNETES_SERVICE_HOST) means "in a pod". */
export const SERVICE_ACCOUNT_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Default listen address: all interfaces, port 8080. */
export const DEFAULT_LISTEN = ':8080';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Where the cluster comes from. There is no fallback: with none configured the service stops with one line (the
 * local demo, which starts its own control plane, is a separate program: `tooling/demo`, run by `scripts/start.sh`).
 */
export type ClusterSource =
  | {
      kind: 'kubeconfig';
      /** The setting as given (one path, or a `:`-list): for messages. */
      path: string;
      /** The files, in order: exactly what was checked and what `loadKubeConfig` reads. */
      paths: string[];
      from: '--kubeconfig' | 'KUBECONFIG' | '~/.kube/config';
      context?: string;
    }
  | { kind: 'in-cluster' };

/** A host (undefined = all interfaces) and a port (0 = any free port). */
export interface ListenAddress {
  host: string | undefined;
  port: number;
}

/** The validated configuration the service starts with. */
export interface Config {
  cluster: ClusterSource;
  namespace: string;
  /** `name` or `namespace/name` (the namespace part equals `namespace`). */
  groupRef: string;
  listen: ListenAddress;
  logLevel: LogLevel;
  /** Reconcile workers; undefined = the watcher's default. */
  workers: number | undefined;
  /** Most concurrent `/api/v1/events` clients; more get 503. */
  maxSseClients: number;
  /** How long `/readyz` waits for the cache sync. */
  readinessTimeoutMs: number;
  /** The vMCP config file read, if any. */
  configFile: string | undefined;
}

/** An invalid setting. `setting` is the flag, variable or file key at fault; the message names it too. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly setting: string;
  constructor(setting: string, problem: string) {
    super(`invalid configuration: ${setting}: ${problem}`);
    this.setting = setting;
  }
}

/** What {@link loadConfig} reads from the outside world. Tests pass fakes. */
export interface ConfigInputs {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** File content, or undefined when it does not exist. Throws for other read errors. */
  readFile: (path: string) => string | undefined;
  /** `$HOME`, as kubectl reads it; undefined or '' (e.g. under `env -i`) = no `~/.kube/config` default. */
  homeDir: string | undefined;
}

/** The result of parsing: a configuration to run, or a request for help/version text. */
export type LoadResult = { action: 'run'; config: Config } | { action: 'help' } | { action: 'version' };

export const USAGE = `Usage: vmcp-watcher [flags]

Watches ToolHive resources in one namespace and serves a live registry of the MCP backends of one group.

Flags (environment variable in brackets; flags win over the environment, which wins over the config file):
  --namespace NAME        namespace to watch [VMCP_NAMESPACE]; in a pod defaults to the pod's namespace
  --group NAME            MCPGroup whose backends to serve [VMCP_GROUP]; or groupRef in --config
  --config PATH           upstream vMCP config file (groupRef, outgoingAuth.source: discovered) [VMCP_CONFIG]
  --kubeconfig PATH       kubeconfig file, or PATH:PATH… merged as kubectl does (per name and for the current
                          context, the first file wins) [KUBECONFIG]; default in a pod: in-cluster; else $HOME/.kube/config
                          (with none of these the service stops; for a local demo run: bash scripts/start.sh)
  --context NAME          kubeconfig context to use (default: the current context)
  --listen ADDR           HTTP listen address, [host]:port (default ${DEFAULT_LISTEN}) [VMCP_LISTEN]
  --log-level LEVEL       debug | info | warn | error (default info) [VMCP_LOG_LEVEL]
  --workers N             concurrent reconciles, 1..64 (default: the watcher's) [VMCP_WORKERS]
  --max-sse-clients N     concurrent /api/v1/events clients, 1..10000 (default 100) [VMCP_MAX_SSE_CLIENTS]
  --readiness-timeout MS  how long /readyz waits for the cache sync, 100..60000 (default 5000) [VMCP_READINESS_TIMEOUT_MS]
  -h, --help              show this help
  --version               print the version
`;

const FLAGS = {
  namespace: { type: 'string' },
  group: { type: 'string' },
  config: { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  listen: { type: 'string' },
  'log-level': { type: 'string' },
  workers: { type: 'string' },
  'max-sse-clients': { type: 'string' },
  'readiness-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** A value and the name of the setting it came from, so errors name the right one. */
interface Sourced<T> {
  value: T;
  setting: string;
}

function pick(flag: string | undefined, flagName: string, env: string | undefined, envName: string): Sourced<string> | undefined {
  if (flag !== undefined) return { value: flag, setting: flagName };
  if (env !== undefined && env !== '') return { value: env, setting: envName };
  return undefined;
}

function parseCommandLine(
  argv: readonly string[],
): ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // node's messages name the flag ("Unknown option '--x'", "Option '--namespace <value>' argument missing").
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error);
    const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? 'command line';
    throw new ConfigError(flag, message);
  }
}

// The one validator of the watched namespace and the group reference is the reconciler's (the watcher applies the
// same rules when it starts); here its message is wrapped so it names the setting the value came from.
function checkNamespace(value: Sourced<string>): string {
  try {
    validateNamespace(value.value);
  } catch (error) {
    throw new ConfigError(value.setting, error instanceof Error ? error.message : String(error));
  }
  return value.value;
}

function checkGroupRef(value: Sourced<string>, namespace: string): string {
  try {
    parseGroupRef(value.value, namespace);
  } catch (error) {
    throw new ConfigError(value.setting, error instanceof Error ? error.message : String(error));
  }
  return value.value;
}

function checkInteger(value: Sourced<string> | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.value.trim())) throw new ConfigError(value.setting, `"${value.value}" is not a whole number`);
  const n = Number(value.value.trim());
  if (n < min || n > max) throw new ConfigError(value.setting, `${n} is out of range (${min}..${max})`);
  return n;
}

/** `:8080`, `8080`, `0.0.0.0:8080`, `[::1]:8080`, `localhost:0`. */
export function parseListen(value: Sourced<string>): ListenAddress {
  const text = value.value.trim();
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(text);
  const port = match?.[2] === undefined ? NaN : Number(match[2]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(value.setting, `"${value.value}" is not a listen address ([host]:port, port 0..65535)`);
  }
  const rawHost = match[1];
  const host = rawHost === undefined || rawHost === '' ? undefined : rawHost.replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

function checkLogLevel(value: Sourced<string> | undefined): LogLevel {
  if (value === undefined) return 'info';
  const level = value.value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(value.setting, `"${value.value}" is not a log level (${LOG_LEVELS.join(', ')})`);
  }
  return level as LogLevel;
}

/** The group from upstream's vMCP config file; rejects a config that is not dynamic mode. */
function readVmcpConfigFile(setting: string, path: string, inputs: ConfigInputs): string | undefined {
  let text: string | undefined;
  try {
    text = inputs.readFile(path);
  } catch (error) {
    throw new ConfigError(setting, `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text === undefined) throw new ConfigError(setting, `file ${path} does not exist`);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    // The YAML parser's message points at the line; it does not echo values beyond a short excerpt.
    throw new ConfigError(
      setting,
      `${path} is not valid YAML/JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(setting, `${path} must hold a mapping`);
  const record = doc as Record<string, unknown>;
  const outgoing = record['outgoingAuth'];
  if (outgoing !== undefined && outgoing !== null) {
    const source = typeof outgoing === 'object' ? (outgoing as Record<string, unknown>)['source'] : undefined;
    if (source !== undefined && source !== 'discovered') {
      throw new ConfigError(
        `${setting} (${path}) outgoingAuth.source`,
        `is ${JSON.stringify(source)}; vmcp-watcher implements dynamic mode only, which needs "discovered" (inline backends need no watcher)`,
      );
    }
  }
  const groupRef = record['groupRef'];
  if (groupRef === undefined || groupRef === null || groupRef === '') return undefined;
  if (typeof groupRef === 'string') return groupRef;
  // The CRD's object form {name: ...} (v1beta1) is accepted too.
  if (typeof groupRef === 'object' && typeof (groupRef as Record<string, unknown>)['name'] === 'string') {
    return (groupRef as Record<string, string>)['name'];
  }
  throw new ConfigError(`${setting} (${path}) groupRef`, 'must be a string (the MCPGroup name)');
}

function inPod(inputs: ConfigInputs): boolean {
  return (inputs.env['KUBERNETES_SERVICE_HOST'] ?? '') !== '' && inputs.readFile(SERVICE_ACCOUNT_TOKEN_FILE) !== undefined;
}

/** A `--kubeconfig` / `KUBECONFIG` value split as kubectl does (empty entries ignored). */
export function splitKubeconfigList(value: string): string[] {
  return value.split(':').filter((p) => p !== '');
}

function resolveCluster(flags: { kubeconfig?: string | undefined; context?: string | undefined }, inputs: ConfigInputs): ClusterSource {
  const context = flags.context === undefined ? {} : { context: flags.context };
  const explicit = pick(flags.kubeconfig, '--kubeconfig', inputs.env['KUBECONFIG'], 'KUBECONFIG');
  if (explicit !== undefined) {
    // One path, or a `:`-list that src/kubeconfig.ts merges with kubectl's rules; each file must exist.
    const paths = splitKubeconfigList(explicit.value);
    if (paths.length === 0) throw new ConfigError(explicit.setting, 'is empty');
    for (const path of paths) {
      if (inputs.readFile(path) === undefined) throw new ConfigError(explicit.setting, `file ${path} does not exist`);
    }
    return { kind: 'kubeconfig', path: explicit.value, paths, from: explicit.setting as '--kubeconfig' | 'KUBECONFIG', ...context };
  }
  if (inPod(inputs)) {
    if (flags.context !== undefined)
      throw new ConfigError('--context', 'needs a kubeconfig (--kubeconfig or KUBECONFIG); in a pod the in-cluster config is used');
    return { kind: 'in-cluster' };
  }
  const home = inputs.homeDir === undefined || inputs.homeDir === '' ? undefined : `${inputs.homeDir.replace(/\/$/, '')}/.kube/config`;
  if (home !== undefined && inputs.readFile(home) !== undefined)
    return { kind: 'kubeconfig', path: home, paths: [home], from: '~/.kube/config', ...context };
  if (flags.context !== undefined) throw new ConfigError('--context', 'no kubeconfig found (--kubeconfig, KUBECONFIG or ~/.kube/config)');
  throw new ConfigError(
    '--kubeconfig',
    'no cluster configured: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config or run in a pod (for a local demo cluster: bash scripts/start.sh)',
  );
}

/**
 * Reads and validates the configuration. Throws {@link ConfigError} (one message naming the setting) for anything
 * invalid or missing; never logs.
 */
export function loadConfig(inputs: ConfigInputs): LoadResult {
  const flags = parseCommandLine(inputs.argv);
  if (flags.help === true) return { action: 'help' };
  if (flags.version === true) return { action: 'version' };
  const env = inputs.env;

  const cluster = resolveCluster(flags, inputs);

  const configSetting = pick(flags.config, '--config', env['VMCP_CONFIG'], 'VMCP_CONFIG');
  const fileGroup = configSetting === undefined ? undefined : readVmcpConfigFile(configSetting.setting, configSetting.value, inputs);

  let namespaceSetting = pick(flags.namespace, '--namespace', env['VMCP_NAMESPACE'], 'VMCP_NAMESPACE');
  if (namespaceSetting === undefined && cluster.kind === 'in-cluster') {
    const fromPod = inputs.readFile(SERVICE_ACCOUNT_NAMESPACE_FILE)?.trim();
    if (fromPod !== undefined && fromPod !== '') namespaceSetting = { value: fromPod, setting: SERVICE_ACCOUNT_NAMESPACE_FILE };
  }
  if (namespaceSetting === undefined) {
    throw new ConfigError('--namespace', 'is required (or set VMCP_NAMESPACE); it names the namespace to watch');
  }
  const namespace = checkNamespace(namespaceSetting);

  let groupSetting = pick(flags.group, '--group', env['VMCP_GROUP'], 'VMCP_GROUP');
  if (groupSetting === undefined && fileGroup !== undefined && configSetting !== undefined) {
    groupSetting = { value: fileGroup, setting: `${configSetting.setting} (${configSetting.value}) groupRef` };
  }
  if (groupSetting === undefined) {
    throw new ConfigError('--group', 'is required (or set VMCP_GROUP, or groupRef in the --config file); it names the MCPGroup to serve');
  }
  const groupRef = checkGroupRef(groupSetting, namespace);

  const listenSetting = pick(flags.listen, '--listen', env['VMCP_LISTEN'], 'VMCP_LISTEN') ?? { value: DEFAULT_LISTEN, setting: '--listen' };

  return {
    action: 'run',
    config: {
      cluster,
      namespace,
      groupRef,
      listen: parseListen(listenSetting),
      logLevel: checkLogLevel(pick(flags['log-level'], '--log-level', env['VMCP_LOG_LEVEL'], 'VMCP_LOG_LEVEL')),
      workers: checkInteger(pick(flags.workers, '--workers', env['VMCP_WORKERS'], 'VMCP_WORKERS'), 1, 64),
      maxSseClients:
        checkInteger(pick(flags['max-sse-clients'], '--max-sse-clients', env['VMCP_MAX_SSE_CLIENTS'], 'VMCP_MAX_SSE_CLIENTS'), 1, 10_000) ??
        100,
      readinessTimeoutMs:
        checkInteger(
          pick(flags['readiness-timeout'], '--readiness-timeout', env['VMCP_READINESS_TIMEOUT_MS'], 'VMCP_READINESS_TIMEOUT_MS'),
          100,
          60_000,
        ) ?? 5000,
      configFile: configSetting?.value,
    },
  };
}
