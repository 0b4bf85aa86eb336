/** The shape of a bench run's results: what the JSON file holds and the Markdown table is made from. */

/** The unit of a figure; `ratio` is always ours / baseline of the same unit. */
export type Unit = 'ms' | 'bytes' | 'bytes/object' | 'count' | 'ops/s';

/** One measured figure: ours, the bare client's, and their ratio, measured in the same run. */
export interface Figure {
  name: string;
  unit: Unit;
  ours: number | null;
  baseline: number | null;
  /** ours / baseline, null when either side is missing or the baseline is 0. */
  ratio: number | null;
  /** The target this figure is judged against, as text. */
  target?: string;
  /** ToolHive's Go watcher, in a three-way comparison; null = it did not run (not built, or failed). */
  toolhive?: number | null;
  /** ours / ToolHive, null when either side is missing. */
  ratioToolhive?: number | null;
  /** A target on a ratio, judged by the report (met / not met). */
  goal?: Goal;
}

/** "ours / `vs` ≤ `atMost`". */
export interface Goal {
  vs: 'toolhive' | 'bare';
  atMost: number;
}

/** Whether a figure meets its goal: undefined when it has none or a side is missing. */
export function goalMet(f: Figure): boolean | undefined {
  if (f.goal === undefined) return undefined;
  const r = f.goal.vs === 'toolhive' ? f.ratioToolhive : f.ratio;
  return r === null || r === undefined ? undefined : r <= f.goal.atMost;
}

/** The results of one phase. `error` set = the phase failed (the run exits non-zero). */
export interface PhaseResult {
  phase: string;
  params: Record<string, number | string>;
  figures: Figure[];
  /** What "ours" and the baseline are in this phase's table, when not the watchers (default "ours" / "bare"). */
  labels?: { ours: string; baseline: string };
  /** Raw samples and extra detail, for the JSON file only. */
  detail?: Record<string, unknown>;
  error?: string;
}

/** Where and on what the run happened. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  kubeApiServer: string;
  etcd: string;
  /** 1/5/15-minute load averages at the start of the run (and `loadAverageEnd` at its end). */
  loadAverage?: number[];
  loadAverageEnd?: number[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  mode: 'quick' | 'full';
  machine: MachineInfo;
  phases: PhaseResult[];
  /** Which peers ran and how: the ToolHive version (or why it did not run), bundled or unbundled Node peers, their Node flags. */
  peers?: { toolhive: string; nodePeers: 'bundled' | 'unbundled'; nodeFlags?: string };
}

const div = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);

/** Builds a figure, computing the ratios; `three` adds ToolHive's value (a three-way figure) and a goal. */
export function figure(
  name: string,
  unit: Unit,
  ours: number | null,
  baseline: number | null,
  target?: string,
  three?: { toolhive: number | null; goal?: Goal },
): Figure {
  const f: Figure = { name, unit, ours, baseline, ratio: div(ours, baseline), ...(target === undefined ? {} : { target }) };
  if (three !== undefined) {
    f.toolhive = three.toolhive;
    f.ratioToolhive = div(ours, three.toolhive);
    if (three.goal !== undefined) {
      f.goal = three.goal;
      f.target ??= `ours / ${three.goal.vs === 'toolhive' ? 'ToolHive' : 'bare'} ≤ ${three.goal.atMost.toFixed(2)}×`;
    }
  }
  return f;
}
