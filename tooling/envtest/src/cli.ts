/**
 * vmcp-envtest CLI.
 *   ensure-binaries                 build etcd and kube-apiserver into the cache if missing
 *   start [--crds <path>]... [--kubeconfig-out <path>]
 *                                   start a control plane, print its kubeconfig path, wait for Ctrl-C
 */
import { errorMessage } from '@vmcp/core';
import { parseArgs } from 'node:util';
import { findBinaries } from './binaries.ts';
import { BinaryBuildError, ensureBinaries } from './build.ts';
import { startControlPlane } from './control-plane.ts';

const say = (line: string): void => {
  process.stderr.write(`[vmcp-envtest] ${line}\n`);
};

const USAGE = `usage:
  vmcp-envtest ensure-binaries
  vmcp-envtest start [--crds <dir|file>]... [--kubeconfig-out <path>]`;

async function cmdEnsureBinaries(): Promise<number> {
  const ci = process.env['CI'] === 'true';
  try {
    const b = await ensureBinaries({ log: say });
    say(`binaries ready (${b.source}): ${b.kubeApiserver}, ${b.etcd}`);
    return 0;
  } catch (error) {
    const message = error instanceof BinaryBuildError ? error.message : `unexpected error: ${(error as Error).stack ?? String(error)}`;
    say(`cannot provide the control-plane binaries: ${message}`);
    if (ci) {
      say('CI=true: failing, because integration tests would not run.');
      return 1;
    }
    say('NOTICE: integration tests that need a real kube-apiserver will be SKIPPED in this run (set CI=true to make this fatal).');
    return 0;
  }
}

async function cmdStart(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { crds: { type: 'string', multiple: true }, 'kubeconfig-out': { type: 'string' } },
    allowPositionals: false,
  });
  const found = findBinaries();
  if (!found.found) {
    say(found.reason);
    return 1;
  }
  const cp = await startControlPlane({
    binaries: found.binaries,
    crds: values.crds ?? [],
    ...(values['kubeconfig-out'] ? { kubeconfigOut: values['kubeconfig-out'] } : {}),
  });
  const s = cp.stats();
  const mb = (b: number | undefined): string => (b === undefined ? '?' : `${Math.round(b / 1048576)} MB`);
  say(
    `control plane ready at ${cp.server} in ${(s.totalStartMs / 1000).toFixed(1)} s (RSS etcd ${mb(s.etcdRssBytes)}, kube-apiserver ${mb(s.apiServerRssBytes)})`,
  );
  say(`logs: ${cp.logs.apiServer}, ${cp.logs.etcd}`);
  const kubeconfig = values['kubeconfig-out'] ?? cp.kubeconfigPath;
  say(`export KUBECONFIG=${kubeconfig}`);
  process.stdout.write(`${kubeconfig}\n`);
  say('press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    // While these handlers are registered, the exit hooks leave SIGINT/SIGTERM to us: stop cleanly. A second
    // Ctrl-C finds only the hooks, which kill both processes at once.
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    // Keep the event loop alive while waiting (the child processes are unref'd).
    setInterval(() => {}, 1 << 30);
  });
  say('stopping…');
  await cp.stop();
  say('stopped');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'ensure-binaries':
      return cmdEnsureBinaries();
    case 'start':
      return cmdStart(rest);
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 1 : 0;
    default:
      say(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(errorMessage(error));
    process.exit(1);
  },
);
