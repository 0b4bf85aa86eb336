/**
 * `pnpm bench` / `pnpm bench:quick`: starts one control plane, runs every phase (cold start + memory at each size,
 * churn, secret rotation), prints the Markdown tables, writes the JSON results (and docs/benchmarks.md for a full
 * run), and exits 1 if any phase failed — e.g. the registry never converged or "ours" could not run at all.
 */
import { errorMessage } from '@vmcp/core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { controlPlaneVersions, startBenchControlPlane } from './control-plane.ts';
import { parseArgs } from './options.ts';
import type { PeerKind } from './peers/process.ts';
import { serviceNodeFlags } from './peers/commands.ts';
import { ensureToolhivePeer, TOOLHIVE_VERSION } from './peers/toolhive-peer.ts';
import { FLEET_PHASE_TITLE, fleetPhase } from './fleet/phase.ts';
import { keepGatewaySection } from './gateway/report.ts';
import { churnPeersPhase } from './phases/churn-peers.ts';
import type { BenchContext } from './phases/context.ts';
import { peersPhase, perObjectPhase, type PeerMedians } from './phases/peers.ts';
import { secretRotationPhase } from './phases/secret-rotation.ts';
import { benchmarksDoc, withFleetSection } from './report/docs.ts';
import { machineInfo } from './report/machine.ts';
import { resultsMarkdown } from './report/markdown.ts';
import type { BenchResults, PhaseResult } from './report/results.ts';

const packageRoot = path.resolve(import.meta.dirname, '..');

async function main(): Promise<number> {
  const plan = parseArgs(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  const startedAt = new Date().toISOString();
  log(`mode ${plan.mode}; starting the control plane`);
  // ToolHive's Go watcher: built (and cached by version) before the control plane starts, so a cold build does not
  // run next to it. Without Go: under CI=true the run fails; locally one notice, and its column stays empty.
  const kinds: PeerKind[] = ['ours', 'bare'];
  let toolhiveBinary: string | undefined;
  let toolhiveSkipped: string | undefined;
  if (plan.toolhive) {
    try {
      toolhiveBinary = await ensureToolhivePeer(log);
      kinds.splice(1, 0, 'toolhive');
    } catch (err) {
      const reason = errorMessage(err);
      if (process.env['CI'] === 'true') throw new Error(`the ToolHive ${TOOLHIVE_VERSION} peer cannot be built: ${reason}`);
      toolhiveSkipped = reason.split('\n')[0];
      log(`SKIPPED ToolHive's Go watcher (its column stays empty): ${toolhiveSkipped}`);
    }
  }
  const nodeFlags = plan.nodeFlags ?? serviceNodeFlags();
  const cmd = { unbundled: plan.unbundled, nodeFlags, ...(toolhiveBinary === undefined ? {} : { toolhiveBinary }) };
  const cp = await startBenchControlPlane();
  const phases: PhaseResult[] = [];
  let results: BenchResults;
  try {
    const client = new KubeHttpClient(cp.kubeConfig, { userAgent: 'vmcp-bench' });
    const ctx: BenchContext = { cp, client, log };
    const machine = machineInfo(await controlPlaneVersions(client));
    if (plan.only === undefined) {
      const sizes: { objects: number; medians: PeerMedians }[] = [];
      for (const params of plan.coldStart) {
        const { result, medians } = await peersPhase(ctx, params, kinds, cmd);
        phases.push(result);
        sizes.push({ objects: params.objects, medians });
      }
      const [small, large] = [sizes[0], sizes.at(-1)];
      if (small && large && large.objects > small.objects) phases.push(perObjectPhase(small, large));
      phases.push(await churnPeersPhase(ctx, plan.churn, kinds, cmd));
      phases.push(await secretRotationPhase(ctx, plan.rotation));
    }
    phases.push(await fleetPhase(ctx, plan.fleet, cmd));
    results = {
      startedAt,
      finishedAt: new Date().toISOString(),
      mode: plan.mode,
      machine: { ...machine, loadAverageEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      phases,
      peers: {
        toolhive: toolhiveBinary === undefined ? `not run: ${toolhiveSkipped ?? 'not asked (--toolhive)'}` : TOOLHIVE_VERSION,
        nodePeers: plan.unbundled ? 'unbundled' : 'bundled',
        nodeFlags: nodeFlags.join(' ') || '(none)',
      },
    };
  } finally {
    await cp.stop();
  }
  process.stdout.write(`${resultsMarkdown(results)}\n`);
  if (plan.out !== undefined) {
    const file = path.resolve(packageRoot, plan.out);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`results written to ${file}`);
  }
  if (plan.writeDocs) {
    const doc = path.resolve(packageRoot, '../../docs/benchmarks.md');
    mkdirSync(path.dirname(doc), { recursive: true });
    // `--only fleet` keeps the committed run's other tables and replaces (or adds) the fleet section.
    const committed = existsSync(doc) ? readFileSync(doc, 'utf8') : undefined;
    const previous = plan.only === 'fleet' ? committed : undefined;
    const fleet = results.phases.find((p) => p.phase.startsWith(FLEET_PHASE_TITLE));
    const rewritten = previous !== undefined && fleet !== undefined ? withFleetSection(previous, fleet, results) : benchmarksDoc(results);
    // The gateway-load section belongs to `pnpm bench:gateway`: a full run keeps it.
    writeFileSync(doc, keepGatewaySection(committed, rewritten));
    log(`report written to ${doc}`);
  }
  const failed = phases.filter((p) => p.error !== undefined);
  for (const p of failed) log(`FAILED: ${p.phase}: ${p.error ?? ''}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`[bench] fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
