/**
 * Many groups in one process (issue 23): M MCPServers spread over G groups of one namespace. One vmcp-watcher
 * service serving every group (`--group g0,…,g9`) against one serving a single group (one of the G processes a
 * deployment of one group per process runs): spawn → `/readyz` 200 (every configured group past its initial
 * reconcile, checked against `/api/v1/groups`), RSS 2 s after ready, and the API server's open watches with it
 * running. Both are the service as the image runs it; starts alternate, each in a process of its own.
 * Needs the service's `--group a,b` list: a service that refuses it fails the phase with the service's own message.
 */
import { errorMessage } from '@vmcp/core';
import { startService, type RunningService } from '../fleet/service.ts';
import { openWatches } from '../fleet/watches.ts';
import { figure, type Figure, type PhaseResult } from '../report/results.ts';
import { median } from '../stats.ts';
import { sleep, type BenchContext } from './context.ts';
import { prepareNamespace } from './namespace.ts';
import { populateServers } from './populate.ts';
import { SETTLE_MS } from './service-start.ts';

/** Sizes of the phase. */
export interface ManyGroupsParams {
  objects: number;
  groups: number;
  repetitions: number;
  concurrency: number;
  timeoutMs: number;
}

/** How the phase's title starts. */
export const MANY_GROUPS_TITLE = 'Many groups in one process';

/** The i-th group's name. */
export const groupName = (i: number): string => `g${i}`;

/** One start: spawn → ready, RSS, open watches with it running (minus those before). */
export interface GroupsSample {
  ready: number;
  rss: number;
  watches: number;
}

/** What `/api/v1/groups` answers, the fields read here. */
interface GroupListing {
  groups?: { namespace?: string; group?: string; backends?: number; synced?: boolean }[];
}

/**
 * Checks a `/api/v1/groups` answer: every expected group served, synced, with its number of backends.
 * @returns the problems, empty when complete.
 */
export function groupProblems(listing: unknown, namespace: string, expected: ReadonlyMap<string, number>): string[] {
  const groups = (listing as GroupListing | null)?.groups;
  if (!Array.isArray(groups)) return [`/api/v1/groups answered no "groups" list: ${JSON.stringify(listing).slice(0, 200)}`];
  const problems: string[] = [];
  for (const [group, count] of expected) {
    const g = groups.find((x) => x.namespace === namespace && x.group === group);
    if (g === undefined) problems.push(`group ${namespace}/${group} not served`);
    else if (g.synced !== true || g.backends !== count) {
      problems.push(`group ${namespace}/${group}: ${String(g.backends)} backends (synced ${String(g.synced)}), expected ${count} synced`);
    }
  }
  return problems;
}

async function startOnce(
  ctx: BenchContext,
  namespace: string,
  groups: readonly string[],
  expected: { perGroup: number; idleWatches: number; nodeFlags: readonly string[] },
  timeoutMs: number,
): Promise<GroupsSample> {
  let service: RunningService;
  try {
    service = await startService({ kubeconfig: ctx.cp.kubeconfigPath, namespace, groups, nodeFlags: expected.nodeFlags, timeoutMs });
  } catch (err) {
    throw new Error(`the service with --group ${groups.join(',')}: ${errorMessage(err)}`);
  }
  try {
    const res = await fetch(`${service.url}/api/v1/groups`);
    if (res.status !== 200) throw new Error(`/api/v1/groups answered ${res.status} once ready`);
    const problems = groupProblems(await res.json(), namespace, new Map(groups.map((g) => [g, expected.perGroup])));
    if (problems.length > 0) throw new Error(`ready but not complete: ${problems.join('; ')}`);
    await sleep(SETTLE_MS);
    const rss = service.rss();
    if (rss === null) throw new Error(`service (pid ${service.pid}): RSS unreadable`);
    return { ready: service.readyAt - service.spawnedAt, rss, watches: (await openWatches(ctx.client)) - expected.idleWatches };
  } finally {
    await service.stop();
  }
}

/** The phase's table from the medians of both ways. */
export function manyGroupsFigures(all: GroupsSample, one: GroupsSample, groups: number): Figure[] {
  const judged = (name: string, unit: 'ms' | 'bytes' | 'count', a: number, b: number, atMost: number): Figure => {
    const f = figure(name, unit, a, b, `≤ ${atMost.toFixed(2)}×`);
    f.target = `≤ ${atMost.toFixed(2)}× (${f.ratio !== null && f.ratio <= atMost ? 'met' : 'NOT met'})`;
    return f;
  };
  return [
    judged('spawn → /readyz 200, every registry complete, median', 'ms', all.ready, one.ready, 1.2),
    judged('RSS 2 s after ready, median', 'bytes', all.rss, one.rss, 1.2),
    judged('API-server watches', 'count', all.watches, one.watches, 1.0),
    figure(`RSS against ${groups} single-group processes (${groups} × one)`, 'bytes', all.rss, one.rss * groups),
    figure(`API-server watches against ${groups} single-group processes (${groups} × one)`, 'count', all.watches, one.watches * groups),
  ];
}

/** Runs the phase; the service starts with `nodeFlags` (the image's). */
export async function manyGroupsPhase(ctx: BenchContext, p: ManyGroupsParams, nodeFlags: readonly string[]): Promise<PhaseResult> {
  const result: PhaseResult = {
    phase: `${MANY_GROUPS_TITLE}: ${p.objects} MCPServers over ${p.groups} groups of one namespace, the service serving all of them vs one`,
    params: { objects: p.objects, groups: p.groups, repetitions: p.repetitions },
    labels: { ours: `one process, ${p.groups} groups`, baseline: 'one process, 1 group' },
    figures: [],
  };
  try {
    if (!Number.isInteger(p.objects / p.groups)) throw new Error(`${p.objects} MCPServers do not spread evenly over ${p.groups} groups`);
    const namespace = await ctx.cp.createNamespace('bench-groups');
    await prepareNamespace(ctx.client, namespace, { placeholderSecret: true });
    ctx.log(`many groups: populating ${namespace} with ${p.objects} MCPServers over ${p.groups} groups`);
    await populateServers(ctx, namespace, p.objects, p.concurrency, (i) => groupName(i % p.groups));
    const names = Array.from({ length: p.groups }, (_, i) => groupName(i));
    const expected = { perGroup: p.objects / p.groups, idleWatches: await openWatches(ctx.client), nodeFlags };
    const all: GroupsSample[] = [];
    const one: GroupsSample[] = [];
    for (let r = 0; r < p.repetitions; r++) {
      for (const which of r % 2 === 0 ? ['all', 'one'] : ['one', 'all']) {
        await sleep(1000);
        const s = await startOnce(ctx, namespace, which === 'all' ? names : [groupName(r % p.groups)], expected, p.timeoutMs);
        (which === 'all' ? all : one).push(s);
        ctx.log(`  rep ${r + 1} ${which}: ready ${s.ready.toFixed(0)} ms, RSS ${(s.rss / 1048576).toFixed(0)} MiB, watches ${s.watches}`);
      }
    }
    const med = (xs: GroupsSample[]): GroupsSample => ({
      ready: median(xs.map((x) => x.ready)),
      rss: median(xs.map((x) => x.rss)),
      watches: median(xs.map((x) => x.watches)),
    });
    result.figures.push(...manyGroupsFigures(med(all), med(one), p.groups));
    result.detail = { namespace, all, one };
  } catch (err) {
    result.error = errorMessage(err);
  }
  return result;
}
