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
  /** The target this figure is judged against (docs/architecture.md, "Targets"), as text. */
  target?: string;
}

/** The results of one phase. `error` set = the phase failed (the run exits non-zero). */
export interface PhaseResult {
  phase: string;
  params: Record<string, number | string>;
  figures: Figure[];
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
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  mode: 'quick' | 'full';
  machine: MachineInfo;
  phases: PhaseResult[];
}

/** Builds a figure, computing the ratio. */
export function figure(name: string, unit: Unit, ours: number | null, baseline: number | null, target?: string): Figure {
  const ratio = ours === null || baseline === null || baseline === 0 ? null : ours / baseline;
  return { name, unit, ours, baseline, ratio, ...(target === undefined ? {} : { target }) };
}
