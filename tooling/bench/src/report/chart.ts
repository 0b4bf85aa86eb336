/**
 * A small SVG line chart in plain code (no dependency): panels side by side, each plotting series of values against
 * the object count on a logarithmic x axis (1k, 10k, 100k) and a linear y axis from 0. `pnpm bench` writes
 * docs/benchmarks-scaling.svg with it: start time and RSS against object count, ours against ToolHive's.
 */

/** One line: a label for the legend, a colour, and its points (missing sizes are simply absent). */
export interface ChartSeries {
  label: string;
  color: string;
  /** Dashed line (e.g. the library beside the service). */
  dashed?: boolean;
  points: readonly { x: number; y: number }[];
}

/** One plot: its title, the y unit's label, and the series. */
export interface ChartPanel {
  title: string;
  yLabel: string;
  series: readonly ChartSeries[];
}

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The smallest "nice" number (1, 2, 2.5 or 5 × a power of ten) ≥ `value`; 1 for 0 or less. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value * (1 - 1e-12)) return step * power;
  return 10 * power;
}

/** Maps `[lo, hi]` linearly onto `[a, b]`. */
export function linearScale(lo: number, hi: number, a: number, b: number): (v: number) => number {
  return (v) => (hi === lo ? a : a + ((v - lo) / (hi - lo)) * (b - a));
}

/** Maps `[lo, hi]` (both > 0) logarithmically onto `[a, b]`. @throws RangeError on a bound ≤ 0. */
export function logScale(lo: number, hi: number, a: number, b: number): (v: number) => number {
  if (!(lo > 0 && hi > 0)) throw new RangeError(`log scale needs positive bounds, got ${lo}..${hi}`);
  const lin = linearScale(Math.log10(lo), Math.log10(hi), a, b);
  return (v) => lin(Math.log10(v));
}

/** `1000` → `1k`, `100000` → `100k`. */
export function countLabel(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n);
}

const PANEL_W = 420;
const PANEL_H = 300;
const MARGIN = { left: 60, right: 16, top: 40, bottom: 44 };
const LEGEND_LINE = 18;
const fmt = (v: number): string => String(Math.round(v * 10) / 10);

function panelSvg(panel: ChartPanel, xs: readonly number[], dx: number): string[] {
  const x0 = dx + MARGIN.left;
  const x1 = dx + PANEL_W - MARGIN.right;
  const y0 = PANEL_H - MARGIN.bottom;
  const y1 = MARGIN.top;
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const sx = lo === hi ? () => (x0 + x1) / 2 : logScale(lo, hi, x0, x1);
  const top = niceCeil(Math.max(0, ...panel.series.flatMap((s) => s.points.map((p) => p.y))));
  const sy = linearScale(0, top, y0, y1);
  const out = [
    `<g class="panel">`,
    `<text x="${fmt((x0 + x1) / 2)}" y="22" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`,
    `<line x1="${fmt(x0)}" y1="${fmt(y0)}" x2="${fmt(x1)}" y2="${fmt(y0)}" stroke="#333"/>`,
    `<line x1="${fmt(x0)}" y1="${fmt(y0)}" x2="${fmt(x0)}" y2="${fmt(y1)}" stroke="#333"/>`,
    `<text x="${fmt(dx + 14)}" y="${fmt((y0 + y1) / 2)}" text-anchor="middle" transform="rotate(-90 ${fmt(dx + 14)} ${fmt((y0 + y1) / 2)})">${escapeXml(panel.yLabel)}</text>`,
    `<text x="${fmt((x0 + x1) / 2)}" y="${fmt(PANEL_H - 8)}" text-anchor="middle">MCPServers (log scale)</text>`,
  ];
  for (const x of xs) {
    out.push(`<text x="${fmt(sx(x))}" y="${fmt(y0 + 16)}" text-anchor="middle">${countLabel(x)}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    out.push(
      `<line x1="${fmt(x0)}" y1="${fmt(sy(v))}" x2="${fmt(x1)}" y2="${fmt(sy(v))}" stroke="#ddd"/>`,
      `<text x="${fmt(x0 - 6)}" y="${fmt(sy(v) + 4)}" text-anchor="end">${String(Number(v.toPrecision(3)))}</text>`,
    );
  }
  for (const s of panel.series) {
    if (s.points.length === 0) continue;
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const color = escapeXml(s.color);
    out.push(
      `<polyline class="series" data-label="${escapeXml(s.label)}" fill="none" stroke="${color}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''} points="${pts.map((p) => `${fmt(sx(p.x))},${fmt(sy(p.y))}`).join(' ')}"/>`,
      ...pts.map((p) => `<circle cx="${fmt(sx(p.x))}" cy="${fmt(sy(p.y))}" r="3.5" fill="${color}"/>`),
    );
  }
  out.push('</g>');
  return out;
}

/**
 * The whole SVG: `panels` side by side over the object counts `xs`, and one legend of every series name (by panel
 * order, each name once). Values are plotted as given (the caller picks units).
 * @throws RangeError when `xs` is empty or holds a count ≤ 0.
 */
export function lineChartSvg(title: string, panels: readonly ChartPanel[], xs: readonly number[]): string {
  if (xs.length === 0 || xs.some((x) => !(x > 0))) throw new RangeError(`object counts must be positive, got [${xs.join(', ')}]`);
  const legend = new Map<string, ChartSeries>();
  for (const p of panels) for (const s of p.series) if (s.points.length > 0 && !legend.has(s.label)) legend.set(s.label, s);
  const width = PANEL_W * Math.max(1, panels.length);
  const height = PANEL_H + 24 + LEGEND_LINE * legend.size + 8;
  const body = panels.flatMap((p, i) => panelSvg(p, xs, i * PANEL_W));
  const entries = [...legend.values()].map((s, i) => {
    const y = PANEL_H + 24 + i * LEGEND_LINE;
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    return `<line x1="${MARGIN.left}" y1="${y - 4}" x2="${MARGIN.left + 28}" y2="${y - 4}" stroke="${escapeXml(s.color)}" stroke-width="2"${dash}/><text x="${MARGIN.left + 36}" y="${y}">${escapeXml(s.label)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...body,
    ...entries,
    '</svg>',
    '',
  ].join('\n');
}
