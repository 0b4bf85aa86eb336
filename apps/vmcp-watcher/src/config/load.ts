/**
 * Start-up configuration: command-line flags, environment variables and (for the group) upstream's vMCP config
 * file, with precedence flags > environment > file. Pure: every input (argv, env, files) is injected, so each rule
 * is unit-tested. An invalid setting throws one {@link ConfigError} whose message names the setting.
 */
import { parseArgs } from 'node:util';
import { errorMessage } from '@vmcp/core';
import { findClusterSource, NO_CLUSTER_HINT, SERVICE_ACCOUNT_NAMESPACE_FILE, type ClusterSource } from './cluster-source.ts';
import { ConfigError, type Sourced } from './error.ts';
import { checkGroupRef, checkNamespace, checkObjectName, type ListenAddress, type LogFormat, type LogLevel } from './parsers.ts';
import { PARSE_ARGS_OPTIONS, SETTINGS, type Setting } from './settings.ts';
import { readVmcpConfigFile } from './vmcp-config-file.ts';

/** The validated configuration the service starts with. */
export interface Config {
  cluster: ClusterSource;
  /** The one namespace watched; with `watch` set, the namespaces as given (`a,b`), or `''` for every namespace. */
  namespace: string;
  /**
   * `name` or `namespace/name` (the namespace part equals `namespace`); with `watch` set, the groups as given
   * (`a,b`), or `''` for every group.
   */
  groupRef: string;
  /**
   * Set when more than one group, more than one namespace, `--all-groups` or `--all-namespaces` is asked for (the
   * service then runs a WatcherSet and serves per-group paths); undefined for one group of one namespace (today's
   * one-group watcher, and today's paths).
   */
  watch?: WatchTargets | undefined;
  /** The API, the status page and the event stream. */
  listen: ListenAddress;
  /** `/healthz`, `/readyz`, `/livez`. */
  probeListen: ListenAddress;
  /** `/metrics`; undefined = no metrics listener. */
  metricsListen: ListenAddress | undefined;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Reconcile workers; undefined = the watcher's default. */
  workers: number | undefined;
  /** Most concurrent `/api/v1/events` clients; more get 503. */
  maxSseClients: number;
  /** How long `/readyz` waits for the cache sync. */
  readinessTimeoutMs: number;
  /** The vMCP config file read, if any. */
  configFile: string | undefined;
  /** The serving pair of the `--listen` port (HTTPS); undefined = plain HTTP. */
  tls: { certFile: string; keyFile: string; minVersion: '1.2' | '1.3' } | undefined;
  /** Serve the registry feed (needs `tls`). */
  feed: boolean;
  /** Token audiences of the access check. */
  authAudiences: string[];
  /** The access check on the public endpoints too (needs `tls`). */
  authPublic: boolean;
}

/** The namespaces and groups of a service that serves more than one group (or follows them). */
export interface WatchTargets {
  /** Namespace names, or every namespace (`--all-namespaces`). */
  namespaces: readonly string[] | 'all';
  /** Group names (plain names, in each namespace), or every MCPGroup (`--all-groups`). */
  groups: readonly string[] | 'all';
  /** Most groups served per namespace under `'all'`. */
  maxGroups: number;
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

/** The result of parsing: a configuration to run, a request for help/version text, or the cluster-source query. */
export type LoadResult =
  | { action: 'run'; config: Config }
  | { action: 'help' }
  | { action: 'version' }
  | { action: 'print-cluster-source'; cluster: ClusterSource | undefined };

type Flags = Record<string, string | boolean | undefined>;

function parseCommandLine(argv: readonly string[]): Flags {
  try {
    return parseArgs({ args: [...argv], options: PARSE_ARGS_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // node's messages name the flag ("Unknown option '--x'", "Option '--namespace <value>' argument missing").
    const message = errorMessage(error).replace(/\. To specify a positional.*$/s, '');
    const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? 'command line';
    throw new ConfigError(flag, message);
  }
}

/** The setting's text and where it came from: the flag, else its environment variable (empty counts as unset). */
function raw(setting: Setting<unknown>, flags: Flags, env: ConfigInputs['env']): Sourced<string> | undefined {
  const flag = flags[setting.flag];
  if (typeof flag === 'string') return { value: flag, setting: `--${setting.flag}` };
  const fromEnv = setting.env === undefined ? undefined : env[setting.env];
  if (setting.env !== undefined && fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, setting: setting.env };
  return undefined;
}

/** The setting's value: given, else its default, through its parser. */
function value<T>(setting: Setting<T>, flags: Flags, env: ConfigInputs['env']): T | undefined {
  const given =
    raw(setting, flags, env) ?? (setting.default === undefined ? undefined : { value: setting.default, setting: `--${setting.flag}` });
  return given === undefined ? undefined : setting.parser.parse(given);
}

function required<T>(setting: Setting<T>, flags: Flags, env: ConfigInputs['env']): T {
  const result = value(setting, flags, env);
  if (result === undefined) throw new Error(`setting --${setting.flag} has no default`);
  return result;
}

/** A boolean setting: the flag given, else its environment variable (`true`/`false`), else off. */
function enabled(setting: Setting<boolean>, flags: Flags, env: ConfigInputs['env']): boolean {
  if (flags[setting.flag] === true) return true;
  return value(setting, flags, env) ?? false;
}

/**
 * The TLS pair and the settings that need it. The feed serves secret values and the access check takes bearer
 * tokens: neither is served without TLS.
 */
function tlsSettings(flags: Flags, env: ConfigInputs['env']): Pick<Config, 'tls' | 'feed' | 'authAudiences' | 'authPublic'> {
  const certFile = value(SETTINGS.tlsCertFile, flags, env);
  const keyFile = value(SETTINGS.tlsKeyFile, flags, env);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const missing = certFile === undefined ? SETTINGS.tlsCertFile : SETTINGS.tlsKeyFile;
    const given = certFile === undefined ? SETTINGS.tlsKeyFile : SETTINGS.tlsCertFile;
    throw new ConfigError(`--${missing.flag}`, `is required with --${given.flag} (the certificate and its key go together)`);
  }
  const tls =
    certFile === undefined || keyFile === undefined
      ? undefined
      : { certFile, keyFile, minVersion: required(SETTINGS.tlsMinVersion, flags, env) };
  const feed = enabled(SETTINGS.feed, flags, env);
  const authPublic = enabled(SETTINGS.authPublic, flags, env);
  for (const [on, setting, why] of [
    [feed, SETTINGS.feed, 'the feed serves secret values'],
    [authPublic, SETTINGS.authPublic, 'bearer tokens must not travel in clear text'],
  ] as const) {
    if (on && tls === undefined) {
      throw new ConfigError(
        `--${setting.flag}`,
        `needs --${SETTINGS.tlsCertFile.flag} and --${SETTINGS.tlsKeyFile.flag}: ${why}, so it is only served over TLS`,
      );
    }
  }
  return { tls, feed, authAudiences: required(SETTINGS.authAudiences, flags, env), authPublic };
}

function clusterOf(flags: Flags, inputs: ConfigInputs): ClusterSource | undefined {
  const context = flags[SETTINGS.context.flag];
  return findClusterSource(raw(SETTINGS.kubeconfig, flags, inputs.env), typeof context === 'string' ? context : undefined, inputs);
}

/** A comma-separated list from one setting; an empty item is an error naming the setting. */
function listOf(setting: Sourced<string>, what: string): string[] {
  const items = setting.value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new ConfigError(setting.setting, `"${setting.value}" has an empty item; give ${what} separated by commas, e.g. a,b`);
  }
  return [...new Set(items)];
}

/** `--namespace a,b` or `--all-namespaces` (not both); in a pod the pod's namespace by default. */
function namespacesOf(flags: Flags, inputs: ConfigInputs, cluster: ClusterSource): string[] | 'all' {
  const all = enabled(SETTINGS.allNamespaces, flags, inputs.env);
  let given = raw(SETTINGS.namespace, flags, inputs.env);
  if (all && given !== undefined) {
    throw new ConfigError(
      `--${SETTINGS.allNamespaces.flag}`,
      `cannot be combined with ${given.setting} (a namespace list): give one or the other`,
    );
  }
  if (all) return 'all';
  if (given === undefined && cluster.kind === 'in-cluster') {
    const fromPod = inputs.readFile(SERVICE_ACCOUNT_NAMESPACE_FILE)?.trim();
    if (fromPod !== undefined && fromPod !== '') given = { value: fromPod, setting: SERVICE_ACCOUNT_NAMESPACE_FILE };
  }
  if (given === undefined) {
    throw new ConfigError('--namespace', 'is required (or set VMCP_NAMESPACE, or --all-namespaces); it names the namespace to watch');
  }
  const setting = given.setting;
  return listOf(given, 'namespaces').map((value) => checkNamespace({ value, setting }));
}

/** `--group a,b` or `--all-groups` (not both); else the `--config` file's groupRef. */
function groupsOf(flags: Flags, env: ConfigInputs['env'], fileGroup: Sourced<string> | undefined): Sourced<string[]> | 'all' {
  const all = enabled(SETTINGS.allGroups, flags, env);
  const given = raw(SETTINGS.group, flags, env);
  if (all && given !== undefined) {
    throw new ConfigError(`--${SETTINGS.allGroups.flag}`, `cannot be combined with ${given.setting} (a group list): give one or the other`);
  }
  if (all) return 'all';
  const setting = given ?? fileGroup;
  if (setting === undefined) {
    throw new ConfigError(
      '--group',
      'is required (or set VMCP_GROUP, or groupRef in the --config file, or --all-groups); it names the MCPGroup to serve',
    );
  }
  return { value: listOf(setting, 'groups'), setting: setting.setting };
}

/**
 * What to watch: one group of one namespace (today's mode: `watch` undefined), or the namespaces and groups of a
 * WatcherSet. A `namespace/name` group is accepted with one namespace only (it must name that namespace).
 */
function watchTargets(
  flags: Flags,
  inputs: ConfigInputs,
  cluster: ClusterSource,
  fileGroup: string | undefined,
  configSetting: Sourced<string> | undefined,
): Pick<Config, 'namespace' | 'groupRef' | 'watch'> {
  const namespaces = namespacesOf(flags, inputs, cluster);
  const fromFile =
    fileGroup === undefined || configSetting === undefined
      ? undefined
      : { value: fileGroup, setting: `${configSetting.setting} (${configSetting.value}) groupRef` };
  const groups = groupsOf(flags, inputs.env, fromFile);
  const maxGroups = required(SETTINGS.maxGroups, flags, inputs.env);
  const one = namespaces !== 'all' && namespaces.length === 1 ? namespaces[0] : undefined;
  if (one !== undefined && groups !== 'all' && groups.value.length === 1) {
    return { namespace: one, groupRef: checkGroupRef({ value: groups.value[0] ?? '', setting: groups.setting }, one), watch: undefined };
  }
  const names =
    groups === 'all'
      ? 'all'
      : groups.value.map((value) => {
          const ref = { value, setting: groups.setting };
          if (one !== undefined) return checkGroupRef(ref, one).split('/').at(-1) ?? value;
          if (value.includes('/')) {
            throw new ConfigError(groups.setting, `"${value}": namespace/name is accepted with one namespace only; name the group alone`);
          }
          return checkObjectName(ref, 'group');
        });
  return {
    namespace: namespaces === 'all' ? '' : namespaces.join(','),
    groupRef: names === 'all' ? '' : names.join(','),
    watch: { namespaces, groups: names, maxGroups },
  };
}

/**
 * Reads and validates the configuration. Throws {@link ConfigError} (one message naming the setting) for anything
 * invalid or missing; never logs.
 */
export function loadConfig(inputs: ConfigInputs): LoadResult {
  const flags = parseCommandLine(inputs.argv);
  if (flags[SETTINGS.help.flag] === true) return { action: 'help' };
  if (flags[SETTINGS.version.flag] === true) return { action: 'version' };
  if (flags[SETTINGS.printClusterSource.flag] === true) return { action: 'print-cluster-source', cluster: clusterOf(flags, inputs) };
  const env = inputs.env;

  const cluster = clusterOf(flags, inputs);
  if (cluster === undefined) throw new ConfigError('--kubeconfig', NO_CLUSTER_HINT);

  const configSetting = raw(SETTINGS.config, flags, env);
  const fileGroup =
    configSetting === undefined ? undefined : readVmcpConfigFile(configSetting.setting, configSetting.value, inputs.readFile);

  const { namespace, groupRef, watch } = watchTargets(flags, inputs, cluster, fileGroup, configSetting);
  const access = tlsSettings(flags, env);
  if (watch !== undefined && access.authPublic) {
    // The public check asks `get mcpgroups <group>`; the page and /api/v1/groups span every group, so no one
    // attribute guards them. Refused rather than guarded by a guess.
    throw new ConfigError(
      `--${SETTINGS.authPublic.flag}`,
      'guards the public API of one group; with several groups or namespaces it is not supported (the feed is: each group path asks for that group)',
    );
  }
  return {
    action: 'run',
    config: {
      cluster,
      namespace,
      groupRef,
      watch,
      listen: required(SETTINGS.listen, flags, env),
      probeListen: required(SETTINGS.probeListen, flags, env),
      metricsListen: value(SETTINGS.metricsListen, flags, env),
      logLevel: required(SETTINGS.logLevel, flags, env),
      logFormat: required(SETTINGS.logFormat, flags, env),
      workers: value(SETTINGS.workers, flags, env),
      maxSseClients: required(SETTINGS.maxSseClients, flags, env),
      readinessTimeoutMs: required(SETTINGS.readinessTimeoutMs, flags, env),
      configFile: configSetting?.value,
      ...access,
    },
  };
}

/**
 * The log format asked for, read leniently (whatever else is wrong with the command line): the fatal line of a
 * start-up that fails on its configuration is written in it too. `json` unless a valid `text` was asked for.
 */
export function requestedLogFormat(argv: readonly string[], env: ConfigInputs['env']): LogFormat {
  const flag = `--${SETTINGS.logFormat.flag}`;
  let given: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === flag) given = argv[i + 1];
    else if (arg.startsWith(`${flag}=`)) given = arg.slice(flag.length + 1);
  });
  given ??= SETTINGS.logFormat.env === undefined ? undefined : env[SETTINGS.logFormat.env];
  return given?.toLowerCase() === 'text' ? 'text' : 'json';
}
