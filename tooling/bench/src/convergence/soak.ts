/**
 * `pnpm --filter @vmcp/bench soak`: the long convergence run. Runs the suite repeatedly (one control plane, a fresh
 * namespace and watcher per run), each with a new seed unless `--seed` is given, until `--runs` runs or `--minutes`
 * minutes. Exits 1 on the first divergence, after printing the seed, the diff and the operation log.
 *
 *   soak [--seed N] [--operations 400] [--faults 10] [--bulk 520] [--runs N] [--minutes 30]
 */
import { startBenchControlPlane } from '../control-plane.ts';
import { randomSeed } from './rng.ts';
import { formatReport, runConvergence } from './suite.ts';

interface SoakArgs {
  seed?: number;
  operations: number;
  faults: number;
  bulk: number;
  runs: number;
  minutes: number;
}

function parse(argv: readonly string[]): SoakArgs {
  const out: SoakArgs = { operations: 400, faults: 10, bulk: 520, runs: Number.POSITIVE_INFINITY, minutes: 30 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value)) throw new Error(`${String(key)} needs a number`);
    if (key === '--seed') out.seed = value >>> 0;
    else if (key === '--operations') out.operations = value;
    else if (key === '--faults') out.faults = value;
    else if (key === '--bulk') out.bulk = value;
    else if (key === '--runs') out.runs = value;
    else if (key === '--minutes') out.minutes = value;
    else throw new Error(`unknown argument ${String(key)} (known: --seed, --operations, --faults, --bulk, --runs, --minutes)`);
  }
  if (out.seed !== undefined && out.runs === Number.POSITIVE_INFINITY) out.runs = 1;
  return out;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`[soak] ${line}\n`);
  const cp = await startBenchControlPlane();
  const deadline = Date.now() + args.minutes * 60_000;
  try {
    for (let run = 1; run <= args.runs && Date.now() < deadline; run++) {
      const seed = args.seed ?? randomSeed();
      log(`run ${run}: seed ${seed}, ${args.operations} operations, ${args.faults} faults, ${args.bulk} bulk servers`);
      const report = await runConvergence({
        seed,
        operations: args.operations,
        faults: args.faults,
        bulkServers: args.bulk,
        controlPlane: cp,
        log,
      });
      process.stdout.write(`${formatReport(report)}\n`);
      if (report.divergences > 0) return 1;
    }
    return 0;
  } finally {
    await cp.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`[soak] fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
