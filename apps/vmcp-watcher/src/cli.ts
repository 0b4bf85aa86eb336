/**
 * The `vmcp-watcher` command. Exit codes: 0 after a graceful stop, 1 when the cluster cannot be used or the
 * service fails, 2 for invalid configuration. Every start-up failure is one line on stderr that names the cause.
 */
import { readFileSync } from 'node:fs';
import { publicUrl } from '@vmcp/registry';
import { SERVICE_VERSION } from './app.ts';
import { ConfigError, USAGE, loadConfig, type Config } from './config.ts';
import { ClusterUnavailableError, loadKubeConfig } from './kube.ts';
import { createLogger, type Logger } from './logger.ts';
import { ListenError, startAgainstCluster } from './run.ts';
import { installSignalHandlers } from './shutdown.ts';

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function fail(message: string, code: number): number {
  process.stderr.write(`vmcp-watcher: ${message}\n`);
  return code;
}

async function runCluster(config: Config, logger: Logger): Promise<void> {
  const kubeConfig = loadKubeConfig(config.cluster);
  logger.info('starting', {
    namespace: config.namespace,
    group: config.groupRef,
    cluster: config.cluster.kind === 'in-cluster' ? 'in-cluster' : config.cluster.from,
    // Through the one URL-display rule: a kubeconfig may put credentials in the server URL.
    server: publicUrl(kubeConfig.getCurrentCluster()?.server ?? ''),
  });
  const { service, url } = await startAgainstCluster(config, kubeConfig, logger);
  logger.info('serving', { url });
  installSignalHandlers({ logger, shutdown: () => service.shutdown() });
}

/** Runs the command; resolves with an exit code for start-up failures (a running service exits via signals). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  let config: Config;
  try {
    const result = loadConfig({ argv, env, readFile: readIfExists, homeDir: env['HOME'] });
    if (result.action === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (result.action === 'version') {
      process.stdout.write(`vmcp-watcher ${SERVICE_VERSION}\n`);
      return 0;
    }
    config = result.config;
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, 2);
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  try {
    await runCluster(config, logger);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ListenError) return fail(error.message, 2);
    if (error instanceof ClusterUnavailableError) return fail(error.message, 1);
    return fail(error instanceof Error ? error.message : String(error), 1);
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`vmcp-watcher: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
