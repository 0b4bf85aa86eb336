/**
 * `pnpm --filter @vmcp/bench run bench:rerender <results.json>`: rewrites docs/benchmarks.md and
 * docs/benchmarks-scaling.svg from a results file, without running anything (after a change to the report's text or
 * chart; the gateway-load section is kept as `pnpm bench` keeps it). The figures are the file's, unchanged.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keepGatewaySection } from '../gateway/report.ts';
import { benchmarksDoc } from './docs.ts';
import type { BenchResults } from './results.ts';
import { SCALING_CHART_FILE, scalingChartSvg, sizesFromResults } from './scaling.ts';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: bench:rerender <results.json>');
const results = JSON.parse(readFileSync(path.resolve(file), 'utf8')) as BenchResults;
const docs = path.resolve(import.meta.dirname, '../../../../docs');
const doc = path.join(docs, 'benchmarks.md');
writeFileSync(doc, keepGatewaySection(existsSync(doc) ? readFileSync(doc, 'utf8') : undefined, benchmarksDoc(results)));
const sizes = sizesFromResults(results);
if (sizes.length > 0)
  writeFileSync(path.join(docs, SCALING_CHART_FILE), scalingChartSvg(sizes, `run of ${results.startedAt.slice(0, 10)}, ${results.mode}`));
process.stderr.write(`[bench] ${doc} and its chart rewritten from ${file}\n`);
