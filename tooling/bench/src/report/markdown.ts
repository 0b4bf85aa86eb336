/** Renders bench results as Markdown: the machine, then one table per phase (ours | baseline | ratio | target). */
import { goalMet, type BenchResults, type Figure, type PhaseResult } from './results.ts';

function formatValue(value: number | null, unit: Figure['unit']): string {
  if (value === null) return '—';
  switch (unit) {
    case 'ms':
      return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;
    case 'bytes':
      return `${(value / 1048576).toFixed(1)} MiB`;
    case 'bytes/object':
      return `${value.toFixed(0)} B`;
    case 'count':
      return value.toFixed(0);
    case 'ops/s':
      return `${value.toFixed(1)}/s`;
  }
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** One phase as a heading, its parameters, and a table (or its error). */
export function phaseMarkdown(phase: PhaseResult): string {
  const params = Object.entries(phase.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const lines = [`### ${phase.phase}${params === '' ? '' : ` (${params})`}`, ''];
  if (phase.error !== undefined) lines.push(`**FAILED:** ${escapeCell(phase.error)}`, '');
  const threeWay = phase.figures.some((f) => f.toolhive !== undefined);
  const { ours, baseline } = phase.labels ?? { ours: 'ours', baseline: 'bare' };
  if (threeWay) {
    const x = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : `${r.toFixed(2)}×`);
    lines.push(
      `| figure | ${ours} | ToolHive | ${baseline} | ${ours} / ToolHive | ${ours} / ${baseline} | target | met |`,
      '|---|---:|---:|---:|---:|---:|---|---|',
    );
    for (const f of phase.figures) {
      const met = goalMet(f);
      const verdict = met === undefined ? (f.goal === undefined ? '' : 'n/a') : met ? 'yes' : '**no**';
      lines.push(
        `| ${escapeCell(f.name)} | ${formatValue(f.ours, f.unit)} | ${formatValue(f.toolhive ?? null, f.unit)} | ${formatValue(f.baseline, f.unit)} | ${x(f.ratioToolhive)} | ${x(f.ratio)} | ${escapeCell(f.target ?? '')} | ${verdict} |`,
      );
    }
    lines.push('');
  } else if (phase.figures.length > 0) {
    lines.push(`| figure | ${ours} | ${phase.labels?.baseline ?? 'baseline'} | ratio | target |`, '|---|---:|---:|---:|---|');
    for (const f of phase.figures) {
      const ratio = f.ratio === null ? '—' : `${f.ratio.toFixed(2)}×`;
      lines.push(
        `| ${escapeCell(f.name)} | ${formatValue(f.ours, f.unit)} | ${formatValue(f.baseline, f.unit)} | ${ratio} | ${escapeCell(f.target ?? '')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The whole report. */
export function resultsMarkdown(results: BenchResults): string {
  const m = results.machine;
  const header = [
    `## Run of ${results.startedAt} (${results.mode})`,
    '',
    `- Machine: ${m.cpuModel}, ${m.cores} cores available, ${(m.memoryBytes / 1073741824).toFixed(1)} GiB memory, ${m.platform}`,
    `- Node ${m.node}; kube-apiserver ${m.kubeApiServer}; etcd ${m.etcd}`,
    ...(m.loadAverage
      ? [
          `- Load average (1/5/15 min) at start: ${m.loadAverage.join(' / ')}${m.loadAverageEnd ? `; at end: ${m.loadAverageEnd.join(' / ')}` : ''} on ${m.cores} cores`,
        ]
      : []),
    ...(results.peers
      ? [
          `- ToolHive peer: ${results.peers.toolhive}; Node peers: ${results.peers.nodePeers}, Node flags: ${results.peers.nodeFlags ?? '(not recorded)'}`,
        ]
      : []),
    '- "ours" = BackendWatcher + DynamicRegistry; "ToolHive" = ToolHive\'s Go BackendWatcher + DynamicRegistry; "bare"/"baseline" = bare paginated list + watch over the same `node:https` stack, JSON decode only.',
    '',
  ];
  return [...header, ...results.phases.map(phaseMarkdown)].join('\n');
}
