/** Command-line options of `pnpm bench` and the sizes of each mode. */
import type { PeersParams as ColdStartParams } from './phases/peers.ts';
import type { ChurnParams } from './phases/churn.ts';
import type { RotationParams } from './phases/secret-rotation.ts';
import type { FleetParams } from './fleet/phase.ts';
import type { ManyGroupsParams } from './phases/many-groups.ts';

export interface BenchPlan {
  mode: 'quick' | 'full';
  coldStart: ColdStartParams[];
  churn: ChurnParams;
  rotation: RotationParams;
  fleet: FleetParams;
  manyGroups: ManyGroupsParams;
  /**
   * `fleet`: run only the fleet phase (and splice its section into docs/benchmarks.md with `--docs`); `groups`: only
   * the many-groups phase (printed; docs/benchmarks.md is left alone).
   */
  only: 'fleet' | 'groups' | undefined;
  /** JSON results file; undefined = do not write one. */
  out: string | undefined;
  /** Rewrite docs/benchmarks.md with this run. */
  writeDocs: boolean;
  /** Include ToolHive's Go watcher (builds it on first use; needs Go). Default: full runs yes, quick runs no. */
  toolhive: boolean;
  /** Run the Node peers from source against the packages' dist instead of the bundle (to measure the bundle). */
  unbundled: boolean;
  /** Node flags for the Node peers instead of the service image's (to measure a flag before shipping it). */
  nodeFlags: string[] | undefined;
}

const CONCURRENCY = 24;

/**
 * Parses `--quick`, `--out <file>`, `--no-out`, `--docs`/`--no-docs`, `--toolhive`/`--no-toolhive`, `--unbundled`,
 * `--node-flags "<flags>"` (space-separated; empty = Node's defaults).
 * Full mode writes `results/<date>.json` and docs/benchmarks.md; quick mode writes neither unless asked, so the
 * test command never touches committed files.
 * @throws Error on an unknown argument.
 */
export function parseArgs(argv: readonly string[], today = new Date()): BenchPlan {
  let quick = false;
  let out: string | undefined | null = null;
  let docs: boolean | undefined;
  let toolhive: boolean | undefined;
  let unbundled = false;
  let nodeFlags: string[] | undefined;
  let only: 'fleet' | 'groups' | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--out') {
      const v = argv[++i];
      if (v === undefined) throw new Error('--out needs a file name');
      out = v;
    } else if (a === '--no-out') out = undefined;
    else if (a === '--docs') docs = true;
    else if (a === '--no-docs') docs = false;
    else if (a === '--toolhive') toolhive = true;
    else if (a === '--no-toolhive') toolhive = false;
    else if (a === '--unbundled') unbundled = true;
    else if (a === '--only') {
      const v = argv[++i];
      if (v !== 'fleet' && v !== 'groups') throw new Error('--only takes one phase name: fleet or groups');
      only = v;
    } else if (a === '--node-flags') {
      const v = argv[++i];
      if (v === undefined) throw new Error('--node-flags needs a value ("" for Node\'s defaults)');
      nodeFlags = v.split(/\s+/).filter((f) => f !== '');
    } else
      throw new Error(
        `unknown argument ${String(a)} (known: --quick, --out <file>, --no-out, --docs, --no-docs, --toolhive, --no-toolhive, --unbundled, --node-flags <flags>, --only fleet|groups)`,
      );
  }
  const stamp = today.toISOString().slice(0, 19).replace(/:/g, '-');
  const defaultOut = quick ? undefined : `results/${stamp}.json`;
  const common = {
    out: out === null ? defaultOut : out,
    writeDocs: (docs ?? !quick) && only !== 'groups',
    toolhive: toolhive ?? !quick,
    unbundled,
    nodeFlags,
    only,
  };
  if (quick) {
    return {
      mode: 'quick',
      coldStart: [{ objects: 200, repetitions: 1, concurrency: CONCURRENCY, timeoutMs: 20_000 }],
      churn: { objects: 200, ratePerSecond: 50, durationMs: 5_000, concurrency: CONCURRENCY, graceMs: 10_000, syncTimeoutMs: 30_000 },
      rotation: { rotations: 3, gapMs: 200, timeoutMs: 10_000 },
      fleet: {
        objects: 200,
        replicas: [1, 3],
        ratePerSecond: 10,
        durationMs: 3_000,
        graceMs: 10_000,
        concurrency: CONCURRENCY,
        timeoutMs: 60_000,
      },
      manyGroups: { objects: 200, groups: 4, repetitions: 1, concurrency: CONCURRENCY, timeoutMs: 60_000 },
      ...common,
    };
  }
  return {
    mode: 'full',
    coldStart: [
      // Targets against ToolHive (issue 23): the small end is where Node's fixed cost shows; at 100,000 the service
      // (the image's flags) must reach ready in ≤ 0.35× ToolHive's time at ≤ 0.30× its RSS (both read 2 s after their
      // end, no forced GC).
      { objects: 1_000, repetitions: 3, concurrency: CONCURRENCY, timeoutMs: 60_000, goals: { processToComplete: 1.0, serviceRss: 1.2 } },
      {
        objects: 10_000,
        repetitions: 3,
        concurrency: CONCURRENCY,
        timeoutMs: 180_000,
        goals: { processToComplete: 0.8, rss: 1.0, serviceRss: 0.7 },
      },
      { objects: 100_000, repetitions: 3, concurrency: CONCURRENCY, timeoutMs: 600_000, goals: { serviceReady: 0.35, serviceRss: 0.3 } },
    ],
    churn: { objects: 1_000, ratePerSecond: 200, durationMs: 30_000, concurrency: CONCURRENCY, graceMs: 15_000, syncTimeoutMs: 120_000 },
    rotation: { rotations: 10, gapMs: 500, timeoutMs: 10_000 },
    fleet: {
      objects: 10_000,
      replicas: [1, 10, 50],
      ratePerSecond: 20,
      durationMs: 10_000,
      graceMs: 30_000,
      concurrency: CONCURRENCY,
      timeoutMs: 300_000,
    },
    manyGroups: { objects: 10_000, groups: 10, repetitions: 3, concurrency: CONCURRENCY, timeoutMs: 180_000 },
    ...common,
  };
}
