/**
 * `pnpm bench:gateway` (part of `pnpm bench`): the load benchmark of `@vmcp/gateway`. Backends (real SDK servers)
 * run in one child process, MCP client sessions and the direct-SDK baseline in another, the pool and the gateway
 * server in this one, so each memory figure is the gateway's own. While every client calls tools back to back,
 * backends are removed, re-added, killed and restarted. A full run rewrites its section of docs/benchmarks.md;
 * `--quick` runs small and only prints.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BackendPool, createGatewayServer } from '@vmcp/gateway';
import { createDynamicRegistry, type Backend } from '@vmcp/registry';
import { settledMemory, type MemoryReading } from '../phases/memory.ts';
import { summarize } from '../stats.ts';
import { changeLatencies, gatewaySection, withSection, type LoadResults } from './report.ts';

const quick = process.argv.includes('--quick');
const plan = quick
  ? { backends: 20, toolsPerBackend: 10, sessions: 10, direct: 5, durationMs: 4_000, callEveryMs: 200, churnEveryMs: 500 }
  : { backends: 200, toolsPerBackend: 10, sessions: 100, direct: 10, durationMs: 30_000, callEveryMs: 1_000, churnEveryMs: 3_000 };
const log = (line: string): void => void process.stderr.write(`[bench:gateway] ${line}\n`);
const here = import.meta.dirname;
const epoch = (): number => performance.timeOrigin + performance.now();

function child(file: string, args: string[]): ChildProcess {
  return fork(path.join(here, file), args, { execArgv: ['--conditions=@vmcp/source'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
function next<T>(proc: ChildProcess, has: (message: Record<string, unknown>) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const on = (message: Record<string, unknown>): void => {
      if (!has(message)) return;
      proc.off('message', on);
      resolve(message as T);
    };
    proc.on('message', on);
  });
}
const perItem = (before: MemoryReading | undefined, after: MemoryReading | undefined, n: number) =>
  before === undefined || after === undefined ? null : { heap: (after.heapUsed - before.heapUsed) / n, rss: (after.rss - before.rss) / n };

async function main(): Promise<void> {
  log(`${quick ? 'quick' : 'full'}: ${plan.backends} backends × ${plan.toolsPerBackend} tools, ${plan.sessions} sessions`);
  const backends = child('backends.ts', [String(plan.backends), String(plan.toolsPerBackend)]);
  const { ports } = await next<{ ports: number[] }>(backends, (m) => 'ports' in m);
  const backendOf = (i: number): Backend => ({
    id: `b${i}`,
    name: `b${i}`,
    baseUrl: `http://127.0.0.1:${ports[i]}/mcp`,
    transportType: 'streamable-http',
    healthStatus: 'healthy',
    metadata: {},
  });

  const registry = createDynamicRegistry();
  const beforePool = await settledMemory();
  const pool = new BackendPool({ registry, backoff: { initialMs: 200, maxMs: 2_000 } });
  const connectStart = performance.now();
  const everything = new Promise<void>((resolve) => {
    const off = pool.on('toolsChanged', ({ tools }) => {
      if (tools.length !== plan.backends * plan.toolsPerBackend) return;
      off();
      resolve();
    });
  });
  for (let i = 0; i < plan.backends; i += 1) registry.upsert(backendOf(i));
  await everything;
  const connectMs = performance.now() - connectStart;
  const afterPool = await settledMemory();
  log(`${pool.tools().length} tools from ${plan.backends} backends in ${connectMs.toFixed(0)} ms`);

  const gateway = createGatewayServer({ pool, maxSessions: plan.sessions * 2 });
  const server = http.createServer((req, res) => void gateway.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gatewayUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`;
  const beforeSessions = await settledMemory();
  const directUrls = Array.from({ length: plan.direct }, (_, i) => backendOf(i).baseUrl);
  const sessions = child('sessions.ts', [
    JSON.stringify({ gatewayUrl, sessions: plan.sessions, directUrls, durationMs: plan.durationMs, callEveryMs: plan.callEveryMs }),
  ]);
  await next(sessions, (m) => 'ready' in m);
  const afterSessions = await settledMemory();
  sessions.send({ sequential: 200 });
  const { sequential } = await next<{ sequential: { gateway: number[]; baseline: number[] } }>(sessions, (m) => 'sequential' in m);
  log(`${gateway.sessionCount()} sessions open; calling for ${plan.durationMs} ms while backends come and go`);

  // Churn over the backends the baseline does not use: remove, re-add, kill, restart, round-robin.
  const changes: { kind: 'removed' | 'added' | 'killed'; at: number }[] = [];
  let tick = 0;
  const churned = (k: number) => `b${plan.direct + (Math.floor(k / 4) % (plan.backends - plan.direct))}`;
  const churn = setInterval(() => {
    const id = churned(tick);
    const index = Number(id.slice(1));
    switch (tick % 4) {
      case 0:
        changes.push({ kind: 'removed', at: epoch() });
        registry.remove(id);
        break;
      case 1:
        changes.push({ kind: 'added', at: epoch() });
        registry.upsert(backendOf(index));
        break;
      case 2:
        backends.send({ kill: index });
        void next<{ at: number }>(backends, (m) => 'killed' in m).then(({ at }) => changes.push({ kind: 'killed', at }));
        break;
      default:
        backends.send({ start: index });
    }
    tick += 1;
  }, plan.churnEveryMs);
  sessions.send({ run: true });
  const done = await next<{
    gateway: number[];
    baseline: number[];
    gatewayErrors: string[];
    directErrors: string[];
    notifications: number[][];
  }>(sessions, (m) => 'gateway' in m);
  clearInterval(churn);

  const gatewayCalls = summarize(done.gateway);
  const directCalls = summarize(done.baseline);
  const results: LoadResults = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version}`,
    plan,
    connectMs,
    gatewayCalls,
    directCalls,
    sequentialGateway: summarize(sequential.gateway),
    sequentialDirect: summarize(sequential.baseline),
    errors: countBy(done.gatewayErrors),
    directErrors: countBy(done.directErrors),
    perConnection: perItem(beforePool, afterPool, plan.backends),
    perSession: perItem(beforeSessions, afterSessions, plan.sessions),
    changes: changeLatencies(changes, done.notifications),
  };
  const section = gatewaySection(results);
  process.stdout.write(`${section}\n`);
  if (!quick) {
    const doc = path.resolve(here, '../../../../docs/benchmarks.md');
    writeFileSync(doc, withSection(readFileSync(doc, 'utf8'), section));
    log(`wrote its section of ${path.relative(process.cwd(), doc)}`);
  }
  server.closeAllConnections();
  server.close();
  await gateway.close();
  await pool.close();
  backends.disconnect();
  sessions.kill();
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}

await main();
