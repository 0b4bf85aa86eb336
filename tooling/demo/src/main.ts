/**
 * The local demo: start a real kube-apiserver + etcd (`@vmcp/envtest`) with the ToolHive CRDs, apply the example
 * resources, then run the production service against it as a child process (`--kubeconfig` of that control plane).
 * Every ~10 s it changes something (a server's phase flips, a temporary MCPServer comes and goes) so the status page
 * shows live updates. Ctrl-C stops the service, then the control plane.
 *
 *   node --conditions=@vmcp/source tooling/demo/src/main.ts --service apps/vmcp-watcher/bin/vmcp-watcher.js [service flags]
 *
 * `bash scripts/start.sh` runs this when no cluster is configured (or with `--demo`).
 */
import { errorMessage } from '@vmcp/core';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { crdDirectory } from '@vmcp/api';
import { ensureBinaries, findBinaries, startControlPlane } from '@vmcp/envtest';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { applyExamples, ensureNamespace } from './examples.ts';
import { DemoArgumentError, demoTarget, flagValue, serviceArgs } from './service-args.ts';
import { demoSteps } from './steps.ts';

const say = (line: string): void => void process.stderr.write(`[vmcp-demo] ${line}\n`);

/** Runs the demo until the service exits (Ctrl-C, SIGTERM, or a failure); resolves the service's exit code. */
export async function runDemo(argv: readonly string[], env: NodeJS.ProcessEnv, options: { intervalMs?: number } = {}): Promise<number> {
  const service = flagValue(argv, '--service');
  if (service === undefined)
    throw new DemoArgumentError('--service PATH is required: the service command to run (apps/vmcp-watcher/bin/vmcp-watcher.js)');
  const args = argv.filter((arg, i) => arg !== '--service' && argv[i - 1] !== '--service' && !arg.startsWith('--service='));
  const { namespace, group } = demoTarget(args, env);

  say('no cluster configured: starting a local control plane (kube-apiserver + etcd)');
  const found = findBinaries();
  if (!found.found) {
    say(`building the control plane binaries once (several minutes the first time): ${found.reason}`);
    await ensureBinaries();
  }
  const plane = await startControlPlane({ crds: [crdDirectory] });
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  try {
    const client = new KubeHttpClient(plane.kubeConfig, { userAgent: 'vmcp-demo' });
    await ensureNamespace(client, namespace);
    const count = await applyExamples(client, namespace);
    say(`applied ${count} example objects to namespace ${namespace} (API server ${plane.server})`);

    // Node's own flags go along (--conditions=@vmcp/source lets --service point at the TypeScript entry, src/cli.ts).
    const command = [...process.execArgv, service, ...serviceArgs(args, env, plane.kubeconfigPath)];
    const child = spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128))));
    const forward = (signal: NodeJS.Signals) => () => {
      stopping = true;
      clearTimeout(timer);
      child.kill(signal);
    };
    process.once('SIGINT', forward('SIGTERM'));
    process.once('SIGTERM', forward('SIGTERM'));

    const steps = demoSteps(client, namespace, group);
    let next = 0;
    const tick = (): void => {
      if (stopping) return;
      const step = steps[next % steps.length]!;
      next += 1;
      step
        .run()
        .then(
          () => say(`change: ${step.say}`),
          (error: unknown) => say(`change failed: ${step.say}: ${errorMessage(error)}`),
        )
        .finally(() => {
          if (!stopping) timer = setTimeout(tick, options.intervalMs ?? 10_000);
        });
    };
    // The service's log goes through unchanged; its `serving` line starts the scripted changes.
    createInterface({ input: child.stdout }).on('line', (line) => {
      process.stdout.write(`${line}\n`);
      const url = servingUrl(line);
      if (url !== undefined && timer === undefined && !stopping) {
        process.stdout.write(`\n  vmcp-watcher demo: open ${url}  (group ${group}, namespace ${namespace}; Ctrl-C to stop)\n\n`);
        timer = setTimeout(tick, options.intervalMs ?? 10_000);
      }
    });
    return await exited;
  } finally {
    stopping = true;
    clearTimeout(timer);
    await plane.stop();
  }
}

/** The URL of the service's `serving` log line, if `line` is one. */
export function servingUrl(line: string): string | undefined {
  try {
    const parsed = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return parsed.msg === 'serving' && typeof parsed.url === 'string' ? parsed.url : undefined;
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  runDemo(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`vmcp-demo: ${errorMessage(error)}\n`);
      process.exit(error instanceof DemoArgumentError ? 2 : 1);
    },
  );
}
