import { describe, expect, it } from 'vitest';
import { mergeTools, type BackendTools } from '../src/index.ts';

const tool = (name: string) => ({ name, inputSchema: { type: 'object' as const } });
const sources: BackendTools[] = [
  { backendId: 'github', tools: [tool('search'), tool('issues')] },
  { backendId: 'docs', tools: [tool('search')] },
];

describe('mergeTools', () => {
  it('prefix (default): every tool is <backend>_<tool>, whatever else exists', () => {
    const { tools, conflicts } = mergeTools(sources);
    expect(tools.map((t) => [t.name, t.backendId, t.originalName])).toEqual([
      ['docs_search', 'docs', 'search'],
      ['github_issues', 'github', 'issues'],
      ['github_search', 'github', 'search'],
    ]);
    expect(tools[0]!.tool.name).toBe('docs_search');
    expect(conflicts).toEqual([]);
  });

  it('prefix with a custom format', () => {
    expect(mergeTools(sources, { strategy: 'prefix', format: '{workload}.' }).tools.map((t) => t.name)).toEqual([
      'docs.search',
      'github.issues',
      'github.search',
    ]);
  });

  it('priority: own names; the first backend in order wins a conflict, the loser is reported', () => {
    const { tools, conflicts } = mergeTools(sources, { strategy: 'priority', order: ['github'] });
    expect(tools.map((t) => [t.name, t.backendId])).toEqual([
      ['issues', 'github'],
      ['search', 'github'],
    ]);
    expect(conflicts).toEqual([{ name: 'search', backendId: 'docs', originalName: 'search', keptBackendId: 'github' }]);
    // Without an order: by backend id.
    expect(mergeTools(sources, { strategy: 'priority' }).tools.find((t) => t.name === 'search')?.backendId).toBe('docs');
  });

  it('a collision after prefixing is resolved by backend id and reported, never routed ambiguously', () => {
    const { tools, conflicts } = mergeTools([
      { backendId: 'a_b', tools: [tool('c')] },
      { backendId: 'a', tools: [tool('b_c')] },
    ]);
    expect(tools.map((t) => [t.name, t.backendId])).toEqual([['a_b_c', 'a']]);
    expect(conflicts).toEqual([{ name: 'a_b_c', backendId: 'a_b', originalName: 'c', keptBackendId: 'a' }]);
  });

  it('does not depend on the input order; rejects an unknown strategy', () => {
    expect(mergeTools([...sources].reverse())).toEqual(mergeTools(sources));
    expect(() => mergeTools(sources, { strategy: 'manual' } as never)).toThrow(
      'unknown tool conflict strategy "manual" (use "prefix" or "priority")',
    );
  });
});
