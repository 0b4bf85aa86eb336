/**
 * The `vmcp-watcher` command. Exit codes: 0 after a graceful stop, 1 when the cluster cannot be used or the
 * service fails, 2 for invalid configuration. Every start-up failure is one line on stderr that names the cause,
 * in the log format asked for (`--log-format`), so a log pipeline can parse it like any other line.
 */
import { readFileSync } from 'node:fs';
import { errorMessage } from '@vmcp/core';
import { publicUrl } from '@vmcp/registry';
import { loadKubeConfig } from './cluster/kubeconfig.ts';
import { ClusterUnavailableError } from './cluster/preflight.ts';
import { describeClusterSource } from './config/cluster-source.ts';
import { ConfigError } from './config/error.ts';
import { loadConfig, requestedLogFormat, type Config } from './config/load.ts';
import type { LogFormat } from './config/parsers.ts';
import { USAGE } from './config/usage.ts';
import { createLogger, formatLine, type Logger } from './observe/logger.ts';
import { ListenError, startAgainstCluster } from './run.ts';
import { startSetAgainstCluster } from './run-set.ts';
import { createKubeWatcherSet } from './cluster/kube-watcher-set.ts';
import { installSignalHandlers } from './shutdown.ts';
import { SERVICE_VERSION } from './version.ts';

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Writes the one fatal line and returns the exit code. */
function fail(format: LogFormat, message: string, exitCode: number): number {
  const entry = { time: new Date().toISOString(), level: 'error', msg: message, exitCode };
  process.stderr.write(`${formatLine(format, entry)}\n`);
  return exitCode;
}

async function runCluster(config: Config, logger: Logger): Promise<void> {
  const kubeConfig = loadKubeConfig(config.cluster);
  logger.info('starting', {
    namespace: config.watch?.namespaces === 'all' ? '(all)' : config.namespace,
    group: config.watch?.groups === 'all' ? '(all)' : config.groupRef,
    cluster: config.cluster.kind === 'in-cluster' ? 'in-cluster' : config.cluster.from,
    // Through the one URL-display rule: a kubeconfig may put credentials in the server URL.
    server: publicUrl(kubeConfig.getCurrentCluster()?.server ?? ''),
  });
  const { watch } = config;
  const running =
    watch === undefined
      ? await startAgainstCluster(config, kubeConfig, logger)
      : await startSetAgainstCluster({ ...config, watch }, kubeConfig, logger, createKubeWatcherSet);
  logger.info('serving', { url: running.url, probes: running.probesUrl, metrics: running.metricsUrl ?? 'off' });
  installSignalHandlers({ logger, shutdown: () => running.service.shutdown() });
}

/** Runs the command; resolves with an exit code for start-up failures (a running service exits via signals). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const format = requestedLogFormat(argv, env);
  let config: Config;
  try {
    const result = loadConfig({ argv, env, readFile: readIfExists, homeDir: env['HOME'] });
    switch (result.action) {
      case 'help':
        process.stdout.write(USAGE);
        return 0;
      case 'version':
        process.stdout.write(`vmcp-watcher ${SERVICE_VERSION}\n`);
        return 0;
      case 'print-cluster-source':
        process.stdout.write(`${describeClusterSource(result.cluster)}\n`);
        return 0;
      case 'run':
        config = result.config;
    }
  } catch (error) {
    if (error instanceof ConfigError) return fail(format, error.message, 2);
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  try {
    await runCluster(config, logger);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ListenError) return fail(format, error.message, 2);
    if (error instanceof ClusterUnavailableError) return fail(format, error.message, 1);
    return fail(format, errorMessage(error), 1);
  }
}

const format = requestedLogFormat(process.argv.slice(2), process.env);
main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    process.exit(fail(format, errorMessage(error), 1));
  },
);
