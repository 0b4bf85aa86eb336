/**
 * A service over a registry of `count` backends that each carry a `blobBytes` annotation, in its own process, so
 * its memory can be measured alone. All backends share one blob string: the registry costs little, while every
 * answer that lists the backends is `count × blobBytes` long.
 *
 * Prints one JSON line `{port}` once listening. Reads commands on stdin, one per line: `mark` starts a new peak
 * measurement, `peak` prints `{peakBytes, baseBytes}` (heap used + external memory, sampled every 5 ms).
 */
import { createInterface } from 'node:readline';
import { createDynamicRegistry, type Backend } from '@vmcp/registry';
import { createService } from '../src/app.ts';
import { createLogger } from '../src/observe/logger.ts';

const count = Number(process.argv[2] ?? '3000');
const blobBytes = Number(process.argv[3] ?? String(190 * 1024));
const blob = 'a'.repeat(blobBytes);
const backends: Backend[] = Array.from({ length: count }, (_, i) => ({
  id: `backend-${String(i).padStart(5, '0')}`,
  name: `backend-${String(i).padStart(5, '0')}`,
  baseUrl: `http://mcp-${i}.team-a.svc:8080/mcp`,
  transportType: 'streamable-http',
  type: '',
  healthStatus: 'healthy',
  metadata: { tool_type: 'mcp', 'notes.example.com/blob': blob },
}));
const registry = createDynamicRegistry(backends);
const service = createService({
  registry,
  namespace: 'team-a',
  groupRef: 'engineering',
  logger: createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) }),
  defaultMetrics: false,
  metricsServer: false,
});
const loopback = { host: '127.0.0.1', port: 0 };
const { api: address } = await service.listen({ api: loopback, probes: loopback });
service.startWatcher();

const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
globalThis.gc?.();
let base = used();
let peak = base;
setInterval(() => {
  peak = Math.max(peak, used());
}, 5).unref();

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'mark') {
    globalThis.gc?.();
    base = used();
    peak = base;
    process.stdout.write('{"marked":true}\n');
  } else if (line === 'peak') {
    peak = Math.max(peak, used());
    process.stdout.write(`${JSON.stringify({ peakBytes: peak, baseBytes: base })}\n`);
  }
});
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
