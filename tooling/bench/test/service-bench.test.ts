import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/options.ts';
import { groupProblems, manyGroupsFigures } from '../src/phases/many-groups.ts';
import { peerMedians, SERVICE_RSS_AFTER_GC_ROW, SERVICE_RSS_ROW, sizeFigures } from '../src/phases/peers.ts';
import { ResetFrameScanner } from '../src/phases/serving.ts';
import { phaseMarkdown } from '../src/report/markdown.ts';
import { goalMet, type Figure } from '../src/report/results.ts';
import { parseRssSplit, parseVariant, smapsTop } from '../src/service/variants.ts';

describe('many groups: completeness of /api/v1/groups', () => {
  const expected = new Map([
    ['g0', 2],
    ['g1', 2],
  ]);
  it('accepts every group served, synced, with its count', () => {
    const listing = {
      groups: [
        { namespace: 'ns', group: 'g0', backends: 2, synced: true },
        { namespace: 'ns', group: 'g1', backends: 2, synced: true },
      ],
    };
    expect(groupProblems(listing, 'ns', expected)).toEqual([]);
  });
  it('names each group missing, short or unsynced, and an answer of the wrong shape', () => {
    const listing = {
      groups: [
        { namespace: 'ns', group: 'g0', backends: 1, synced: true },
        { namespace: 'other', group: 'g1', backends: 2, synced: true },
      ],
    };
    expect(groupProblems(listing, 'ns', expected)).toEqual([
      'group ns/g0: 1 backends (synced true), expected 2 synced',
      'group ns/g1 not served',
    ]);
    expect(
      groupProblems({ groups: [{ namespace: 'ns', group: 'g0', backends: 2, synced: false }] }, 'ns', new Map([['g0', 2]])),
    ).toHaveLength(1);
    expect(groupProblems({ error: 'x' }, 'ns', expected)[0]).toMatch(/no "groups" list/);
  });
});

describe('many groups: figures', () => {
  it('judges the one process against one single-group process, and shows ten of them', () => {
    const f = manyGroupsFigures({ ready: 1100, rss: 130e6, watches: 5 }, { ready: 1000, rss: 100e6, watches: 5 }, 10);
    expect(f.map((x) => [x.name, x.ratio === null ? null : Math.round(x.ratio * 100) / 100, x.target ?? ''])).toEqual([
      ['spawn → /readyz 200, every registry complete, median', 1.1, '≤ 1.20× (met)'],
      ['RSS 2 s after ready, median', 1.3, '≤ 1.20× (NOT met)'],
      ['API-server watches', 1, '≤ 1.00× (met)'],
      ['RSS against 10 single-group processes (10 × one)', 0.13, ''],
      ['API-server watches against 10 single-group processes (10 × one)', 0.1, ''],
    ]);
  });
});

describe('cold start: the service rows', () => {
  const peer = (ms: number, rss: number, rssSettled?: number) => ({
    processToComplete: ms,
    watcherToComplete: ms,
    processToSynced: ms,
    rss,
    heap: 1,
    ...(rssSettled === undefined ? {} : { rssSettled }),
  });
  const MiB = 1048576;
  const rssRows = (f: Figure[]) => f.filter((x) => x.name.startsWith('service: RSS'));
  it("puts the service against ToolHive's complete, with the size's goals", () => {
    const f = sizeFigures(
      { toolhive: peer(19_000, 541, 1093), ours: peer(6000, 350), service: { processToReady: 6000, rss: 290 } },
      { serviceReady: 0.35, serviceRss: 0.3 },
      true,
    );
    const ready = f.find((x) => x.name.startsWith('service: spawn'));
    expect([ready?.ours, ready?.toolhive, ready && goalMet(ready)]).toEqual([6000, 19_000, true]);
    expect(sizeFigures({ ours: peer(1, 1) }, {}, false).some((x) => x.name.startsWith('service'))).toBe(false);
  });
  it("judges the service's RSS against ToolHive's read the same way, and still shows the after-GC ratio", () => {
    // 290 / 1093 meets 0.30; 290 / 541 would not: the target must sit on the like-for-like row.
    const f = sizeFigures(
      { toolhive: peer(19_000, 541 * MiB, 1093 * MiB), service: { processToReady: 6000, rss: 290 * MiB } },
      { serviceRss: 0.3 },
      true,
    );
    const [like, afterGc] = rssRows(f);
    expect([like?.name, afterGc?.name]).toEqual([SERVICE_RSS_ROW, SERVICE_RSS_AFTER_GC_ROW]);
    expect([like?.ours, like?.toolhive, like?.ratioToolhive, like && goalMet(like), like?.target]).toEqual([
      290 * MiB,
      1093 * MiB,
      290 / 1093,
      true,
      'ours / ToolHive ≤ 0.30×',
    ]);
    expect([afterGc?.ours, afterGc?.toolhive, afterGc?.ratioToolhive, afterGc?.goal, afterGc?.target]).toEqual([
      290 * MiB,
      541 * MiB,
      290 / 541,
      undefined,
      undefined,
    ]);
    const table = phaseMarkdown({ phase: 'p', params: {}, figures: f });
    expect(table).toContain(`| ${SERVICE_RSS_ROW} | 290.0 MiB | 1093.0 MiB | — | 0.27× | — | ours / ToolHive ≤ 0.30× | yes |`);
    expect(table).toContain(`| ${SERVICE_RSS_AFTER_GC_ROW} | 290.0 MiB | 541.0 MiB | — | 0.54× | — |  |  |`);
  });
  it('leaves the like-for-like ratio empty, never the after-GC figure, when ToolHive has no such reading', () => {
    const f = sizeFigures({ toolhive: peer(19_000, 541), service: { processToReady: 6000, rss: 290 } }, { serviceRss: 0.3 }, true);
    const [like, afterGc] = rssRows(f);
    expect([like?.toolhive, like?.ratioToolhive, like && goalMet(like)]).toEqual([null, null, undefined]);
    expect(afterGc?.toolhive).toBe(541);
    // ToolHive not run (quick mode): both rows are there, the service's figure in them, ToolHive's empty.
    const quick = rssRows(sizeFigures({ service: { processToReady: 6000, rss: 290 } }, {}, true));
    expect(quick.map((x) => [x.ours, x.toolhive])).toEqual([
      [290, null],
      [290, null],
    ]);
  });
  it("takes the median of ToolHive's no-forced-GC readings, and has none when no start had one", () => {
    const m = peerMedians([peer(3, 50, 120), peer(1, 60, 100), peer(2, 40, 110)]);
    expect([m?.rss, m?.rssSettled, m?.processToComplete]).toEqual([50, 110, 2]);
    expect(peerMedians([peer(1, 50), peer(2, 60)])).not.toHaveProperty('rssSettled');
    expect(peerMedians([])).toBeUndefined();
  });
});

describe('options', () => {
  it('full mode runs 1k, 10k and 100k with the targets, and the many-groups phase at 10,000 over 10 groups', () => {
    const full = parseArgs([]);
    expect(full.coldStart.map((c) => c.objects)).toEqual([1000, 10_000, 100_000]);
    expect(full.coldStart.at(-1)?.goals).toEqual({ serviceReady: 0.35, serviceRss: 0.3 });
    expect(full.manyGroups).toMatchObject({ objects: 10_000, groups: 10 });
    expect(parseArgs(['--only', 'groups'])).toMatchObject({ only: 'groups', writeDocs: false });
    expect(() => parseArgs(['--only', 'churn'])).toThrow(/fleet or groups/);
  });
});

describe('bench:service variants', () => {
  it('parses label::flags::env, with `image` standing for the image flags', () => {
    expect(parseVariant('cand::image --no-maglev::MALLOC_MMAP_THRESHOLD_=16384', ['--max-semi-space-size=2'])).toEqual({
      label: 'cand',
      nodeFlags: ['--max-semi-space-size=2', '--no-maglev'],
      env: { MALLOC_MMAP_THRESHOLD_: '16384' },
    });
    expect(parseVariant('default::::', ['x'])).toEqual({ label: 'default', nodeFlags: [], env: {} });
    expect(() => parseVariant('::--x::', [])).toThrow(/needs a label/);
    expect(() => parseVariant('a::::NOEQUALS', [])).toThrow(/"NOEQUALS" is not NAME=value/);
    expect(() => parseVariant('default:::', [])).toThrow(/":" is not a Node flag/);
  });
  it('reads the RSS split and the largest mappings', () => {
    expect(parseRssSplit('VmRSS:\t  100 kB\nRssAnon:\t  60 kB\nRssFile:\t  40 kB\n')).toEqual({ rss: 102400, anon: 61440, file: 40960 });
    expect(() => parseRssSplit('VmRSS: 1 kB\n')).toThrow(/RssAnon/);
    const smaps = [
      '00400000-00500000 r--p 00000000 08:01 1 /usr/bin/node',
      'Rss:                 100 kB',
      '00600000-00700000 rw-p 00000000 00:00 0 ',
      'Rss:                 300 kB',
      '00800000-00900000 r--p 00000000 08:01 1 /usr/bin/node',
      'Rss:                  50 kB',
    ].join('\n');
    expect(smapsTop(smaps, 2)).toEqual(['300 kB rw-p 00000000 [anon]', '150 kB r--p 00000000 /usr/bin/node']);
  });
});

describe('ResetFrameScanner', () => {
  it('finds the end of the reset frame across chunk boundaries, not before', () => {
    const s = new ResetFrameScanner();
    s.push(': hello\n\nretry: 1000\n\nev');
    expect(s.done).toBe(false); // blank lines before the reset do not count
    s.push('ent: reset\nid: 1.5\ndata: {"backends":[');
    expect(s.done).toBe(false);
    s.push('{"id":"a"}]}\n');
    expect(s.done).toBe(false);
    s.push('\nevent: upsert\n');
    expect(s.done).toBe(true);
    expect(s.bytes).toBeGreaterThan(60);
  });
  it('ignores a stream with no reset', () => {
    const s = new ResetFrameScanner();
    s.push('event: upsert\ndata: {}\n\n');
    expect(s.done).toBe(false);
  });
});
