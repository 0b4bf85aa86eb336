/**
 * `pnpm --filter @vmcp/bench run bench:service -- [--objects 1000,10000] [--repetitions 3] [--smaps]
 *   --variant 'label::node flags::ENV=v' …`: starts the vmcp-watcher service (its build) once per variant and
 * repetition against one control plane, interleaved (the order rotates), and prints per size and variant the median
 * spawn → `/readyz` 200 and RSS (anonymous / file-backed) 2 s after ready. `image` in the flags stands for the
 * Dockerfile's. The tool behind the "service start" tables of docs/benchmarks.md; prints, writes nothing.
 */
import { readFileSync } from 'node:fs';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { startBenchControlPlane } from '../control-plane.ts';
import { startService } from '../fleet/service.ts';
import { serviceNodeFlags } from '../peers/commands.ts';
import { BENCH_GROUP, sleep, type BenchContext } from '../phases/context.ts';
import { prepareNamespace } from '../phases/namespace.ts';
import { populateServers } from '../phases/populate.ts';
import { SETTLE_MS } from '../phases/service-start.ts';
import { median } from '../stats.ts';
import { parseRssSplit, parseVariant, smapsTop, type RssSplit, type ServiceVariant } from './variants.ts';

interface Sample extends RssSplit {
  ready: number;
}

interface Plan {
  sizes: number[];
  repetitions: number;
  variants: ServiceVariant[];
  /** Print each start's largest resident mappings (where the fixed cost lives). */
  smaps: boolean;
}

function parse(argv: readonly string[]): Plan {
  let smaps = false;
  let sizes = [1000];
  let repetitions = 3;
  const variants: ServiceVariant[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--smaps') {
      smaps = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`${String(a)} needs a value`);
    if (a === '--objects') sizes = v.split(',').map(Number);
    else if (a === '--repetitions') repetitions = Number(v);
    else if (a === '--variant') variants.push(parseVariant(v, serviceNodeFlags()));
    else throw new Error(`unknown argument ${String(a)} (known: --objects a,b, --repetitions n, --variant 'label::flags::ENV=v')`);
  }
  if (variants.length === 0) variants.push(parseVariant('image::image::', serviceNodeFlags()));
  return { sizes, repetitions, variants, smaps };
}

async function once(ctx: BenchContext, namespace: string, v: ServiceVariant, timeoutMs: number, smaps: boolean): Promise<Sample> {
  const s = await startService({
    kubeconfig: ctx.cp.kubeconfigPath,
    namespace,
    groups: [BENCH_GROUP],
    nodeFlags: v.nodeFlags,
    env: v.env,
    timeoutMs,
  });
  try {
    await sleep(SETTLE_MS);
    if (smaps) ctx.log(`${v.label} mappings:\n  ${smapsTop(readFileSync(`/proc/${s.pid}/smaps`, 'utf8'), 12).join('\n  ')}`);
    return { ready: s.readyAt - s.spawnedAt, ...parseRssSplit(readFileSync(`/proc/${s.pid}/status`, 'utf8')) };
  } finally {
    await s.stop();
  }
}

async function main(): Promise<void> {
  const plan = parse(process.argv.slice(2).filter((a) => a !== '--'));
  const log = (line: string): void => void process.stderr.write(`[bench:service] ${line}\n`);
  const cp = await startBenchControlPlane();
  try {
    const ctx: BenchContext = { cp, client: new KubeHttpClient(cp.kubeConfig, { userAgent: 'vmcp-bench' }), log };
    for (const objects of plan.sizes) {
      const namespace = await cp.createNamespace(`bench-service-${objects}`);
      await prepareNamespace(ctx.client, namespace, { placeholderSecret: true });
      await populateServers(ctx, namespace, objects, 24);
      const samples = new Map<string, Sample[]>(plan.variants.map((v) => [v.label, []]));
      for (let r = 0; r < plan.repetitions; r++) {
        for (let i = 0; i < plan.variants.length; i++) {
          const v = plan.variants[(i + r) % plan.variants.length] as ServiceVariant;
          await sleep(1000);
          const s = await once(ctx, namespace, v, 600_000, plan.smaps);
          samples.get(v.label)?.push(s);
          log(`${objects} rep ${r + 1} ${v.label}: ready ${s.ready.toFixed(0)} ms, RSS ${(s.rss / 1048576).toFixed(1)} MiB`);
        }
      }
      const mib = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;
      const lines = [
        `### Service start, ${objects} MCPServers (${plan.repetitions} repetitions, medians)`,
        '',
        '| variant | Node flags | env | spawn → ready | RSS | anon | file |',
        '|---|---|---|---:|---:|---:|---:|',
        ...plan.variants.map((v) => {
          const xs = samples.get(v.label) ?? [];
          const m = (k: keyof Sample): number => median(xs.map((x) => x[k]));
          const env = Object.entries(v.env)
            .map(([k, x]) => `${k}=${x}`)
            .join(' ');
          return `| ${v.label} | ${v.nodeFlags.join(' ') || '(none)'} | ${env || ''} | ${m('ready').toFixed(0)} ms | ${mib(m('rss'))} | ${mib(m('anon'))} | ${mib(m('file'))} |`;
        }),
        '',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await cp.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench:service] fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
});
