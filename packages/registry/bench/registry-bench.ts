/**
 * Micro-benchmarks of @vmcp/registry with 10,000 realistic backends. A script, not a test: numbers depend on the
 * machine. Run from packages/registry:  pnpm bench   (or: node --conditions=@vmcp/source bench/registry-bench.ts)
 * Add --expose-gc to also print the retained heap per stored backend.
 */
import os from 'node:os';
import { createDynamicRegistry, toPublicBackend, type Backend, type DynamicRegistry } from '@vmcp/registry';

const SIZE = 10_000;
const PEM = `-----BEGIN CERTIFICATE-----\n${'MIIB3DCCAYGgAwIBAgIUH51946BuIqGPPheQLY6PkX7NU7owCgYIKoZIzj0EAwIw\n'.repeat(10)}-----END CERTIFICATE-----\n`;

/** Backends shaped like the discoverer's output: a third each MCPServer, MCPRemoteProxy and MCPServerEntry. */
function makeBackend(i: number, healthStatus: Backend['healthStatus'] = 'healthy'): Backend {
  const name = `backend-${i.toString().padStart(5, '0')}`;
  const common = {
    id: name,
    name,
    healthStatus,
    metadata: {
      tool_type: 'mcp',
      workload_status: healthStatus === 'healthy' ? 'Ready' : 'Failed',
      namespace: 'team-a',
      'example.com/owner': `team-${i % 17}`,
    } as Record<string, string>,
  };
  switch (i % 3) {
    case 0:
      return {
        ...common,
        baseUrl: `http://mcp-${name}-proxy.team-a.svc.cluster.local:8080`,
        transportType: 'streamable-http',
        type: '',
        authConfig: {
          type: 'token_exchange',
          tokenExchange: {
            tokenUrl: 'https://idp.example.com/oauth2/token',
            clientId: 'vmcp',
            clientSecret: 'bench-client-secret',
            audience: 'mcp-backends',
            scopes: ['mcp.read', 'mcp.write'],
            subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
          },
        },
        authConfigRef: 'token-exchange-auth',
        metadata: { ...common.metadata, workload_type: 'mcp_server' },
      };
    case 1:
      return {
        ...common,
        baseUrl: `http://mcp-${name}-remote-proxy.team-a.svc.cluster.local:8080`,
        transportType: 'sse',
        type: '',
        authConfig: { type: 'header_injection', headerInjection: { headerName: 'X-Api-Key', headerValue: 'bench-header-secret' } },
        authConfigRef: 'header-auth',
        metadata: { ...common.metadata, workload_type: 'remote_proxy', remote_url: `https://${name}.example.com/mcp` },
      };
    default:
      return {
        ...common,
        baseUrl: `https://${name}.example.com/mcp`,
        transportType: 'streamable-http',
        type: 'entry',
        caBundleData: PEM,
        headerForward: {
          addPlaintextHeaders: { 'X-Tenant': 'team-a' },
          addHeadersFromSecret: { 'X-Api-Key': `HEADER_FORWARD_X_API_KEY_${name.toUpperCase().replaceAll('-', '_')}` },
        },
        metadata: { ...common.metadata, workload_type: 'server_entry', remote_url: `https://${name}.example.com/mcp` },
      };
  }
}

let sink = 0; // keeps results alive so the JIT cannot drop the measured work

interface Result {
  name: string;
  ops: number;
  nsPerOp: number;
}
const results: Result[] = [];

/** Runs `op(i)` in batches until `minMs` has elapsed (after a warm-up), and records ns/op. */
function bench(name: string, op: (i: number) => void, minMs = 400, warmup = 2_000): void {
  for (let i = 0; i < warmup; i++) op(i);
  let iterations = 0;
  let batch = Math.min(1_000, warmup);
  const start = process.hrtime.bigint();
  let elapsedNs = 0n;
  while (elapsedNs < BigInt(minMs) * 1_000_000n) {
    for (let j = 0; j < batch; j++) op(iterations + j);
    iterations += batch;
    elapsedNs = process.hrtime.bigint() - start;
    if (elapsedNs < 50_000_000n) batch *= 2;
  }
  const nsPerOp = Number(elapsedNs) / iterations;
  results.push({ name, ops: 1e9 / nsPerOp, nsPerOp });
}

const ids = Array.from({ length: SIZE }, (_v, i) => makeBackend(i).id);
const healthy = Array.from({ length: SIZE }, (_v, i) => makeBackend(i, 'healthy'));
const unhealthy = Array.from({ length: SIZE }, (_v, i) => makeBackend(i, 'unhealthy'));
// Fresh but equal objects, as a resync produces: the comparison must walk them, not stop at identity.
const equalCopies = Array.from({ length: SIZE }, (_v, i) => makeBackend(i, 'healthy'));

function fresh(): DynamicRegistry {
  return createDynamicRegistry(healthy);
}

bench('createDynamicRegistry(10,000 backends)', () => (sink += fresh().count()), 1_000, 3);

let registry = fresh();
bench('get (hit)', (i) => (sink += registry.get(ids[i % SIZE]!) ? 1 : 0));
bench('get (miss)', (i) => (sink += registry.get(`missing-${i & 1023}`) ? 1 : 0));
bench('count', () => (sink += registry.count()));
bench('list (10,000 entries)', () => (sink += registry.list().length));
bench('upsert, unchanged content (deep compare, no event)', (i) => (sink += registry.upsert(equalCopies[i % SIZE]!) ? 1 : 0));

// Per-key toggle, reset with each fresh registry: every call alternates a key between its two versions, so every
// call is an effective change whatever the iteration count.
let toggles = new Uint8Array(SIZE);
function changedUpsert(i: number): void {
  const k = i % SIZE;
  toggles[k]! ^= 1;
  sink += registry.upsert(toggles[k] ? unhealthy[k]! : healthy[k]!) ? 1 : 0;
}
registry = fresh();
bench('upsert, changed content (copy + freeze), 0 listeners', changedUpsert);

bench('remove + re-add (pair of effective changes)', (i) => {
  const k = i % SIZE;
  sink += registry.remove(ids[k]!) ? 1 : 0;
  sink += registry.upsert(healthy[k]!) ? 1 : 0;
});
{
  // remove alone: time removing every entry of fresh registries.
  let removed = 0;
  let elapsed = 0n;
  while (elapsed < 400_000_000n) {
    const r = fresh();
    const start = process.hrtime.bigint();
    for (const id of ids) sink += r.remove(id) ? 1 : 0;
    elapsed += process.hrtime.bigint() - start;
    removed += SIZE;
  }
  const nsPerOp = Number(elapsed) / removed;
  results.push({ name: 'remove (present id)', ops: 1e9 / nsPerOp, nsPerOp });
}
bench('remove (absent id, no-op)', (i) => (sink += registry.remove(`missing-${i & 1023}`) ? 1 : 0));

for (const listeners of [1, 10, 100]) {
  registry = fresh();
  toggles = new Uint8Array(SIZE);
  for (let l = 0; l < listeners; l++) registry.subscribe((event) => (sink += event.version & 1));
  bench(`upsert, changed content, ${listeners} listener${listeners === 1 ? '' : 's'}`, changedUpsert);
}

bench('toPublicBackend (mixed kinds)', (i) => (sink += toPublicBackend(healthy[i % SIZE]!).metadata ? 1 : 0));

const gc = (globalThis as { gc?: () => void }).gc;
let heapPerBackend: number | undefined;
if (gc) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = fresh();
  gc();
  heapPerBackend = (process.memoryUsage().heapUsed - before) / kept.count();
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`@vmcp/registry benchmark — ${SIZE.toLocaleString('en-US')} backends, Node ${process.version}, ${os.cpus().length} × ${cpu}\n`);
const width = Math.max(...results.map((r) => r.name.length));
console.log(`${'operation'.padEnd(width)}  ${'ops/s'.padStart(14)}  ${'ns/op'.padStart(12)}`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(width)}  ${Math.round(r.ops).toLocaleString('en-US').padStart(14)}  ${r.nsPerOp.toFixed(r.nsPerOp < 100 ? 1 : 0).padStart(12)}`,
  );
}
if (heapPerBackend !== undefined) console.log(`\nretained heap per stored backend: ${Math.round(heapPerBackend)} bytes`);
if (sink === -1) console.log('unreachable');
