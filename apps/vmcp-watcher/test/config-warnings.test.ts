import { describe, expect, it } from 'vitest';
import { evaluateWarnings, suggestGroup, type WarningInputs } from '../src/cluster/config-warnings.ts';
import { watcherStatus } from './helpers.ts';

const outOfGroup = (group: string | undefined) => ({
  kind: 'MCPServer',
  code: 'out-of-group',
  message:
    group === undefined
      ? 'MCPServer "x" has no groupRef (this watcher serves group "enginering")'
      : `MCPServer "x" is in group "${group}" (this watcher serves group "enginering")`,
  since: '2026-01-01T00:00:00.000Z',
});

function inputs(overrides: Partial<WarningInputs> = {}): WarningInputs {
  return {
    namespace: 'team-a',
    group: 'enginering',
    facts: { namespaceExists: true, groups: ['engineering', 'research'] },
    status: watcherStatus({ synced: true }),
    served: 0,
    ...overrides,
  };
}

describe('configuration warnings', () => {
  it('names a missing MCPGroup and the nearest one that exists', () => {
    expect(evaluateWarnings(inputs())).toEqual([
      {
        code: 'group_missing',
        message: 'no MCPGroup "enginering" in namespace "team-a"; did you mean engineering?',
        existingGroups: ['engineering', 'research'],
      },
    ]);
    // Positive control: the right group raises nothing.
    expect(evaluateWarnings(inputs({ group: 'engineering' }))).toEqual([]);
  });

  it('lists the groups when none is near, and says when there is none', () => {
    expect(suggestGroup('payments', ['engineering', 'research'])).toBe('; MCPGroups here: engineering, research');
    expect(suggestGroup('payments', [])).toBe('; the namespace has no MCPGroup');
    const many = Array.from({ length: 7 }, (_, i) => `team-${i}`);
    expect(suggestGroup('payments', many)).toBe('; MCPGroups here: team-0, team-1, team-2, team-3, team-4, … (7 in all)');
  });

  it('says the namespace does not exist (and not also that its group is missing)', () => {
    expect(evaluateWarnings(inputs({ facts: { namespaceExists: false, groups: [] } }))).toEqual([
      { code: 'namespace_missing', message: 'namespace "team-a" does not exist' },
    ]);
  });

  it('warns when every object is out of group, naming their groups', () => {
    const status = watcherStatus({
      synced: true,
      exclusions: { a: outOfGroup('engineering'), b: outOfGroup('engineering'), c: outOfGroup(undefined) },
    });
    const [warning] = evaluateWarnings(inputs({ facts: { namespaceExists: true, groups: undefined }, status }));
    expect(warning).toEqual({
      code: 'all_out_of_group',
      message:
        'every object in namespace "team-a" (3) is out of group "enginering" (engineering: 2, (no groupRef): 1); did you mean engineering?',
    });
    // Not while anything is served, not before the sync, and not when some exclusion has another reason.
    expect(evaluateWarnings(inputs({ facts: { namespaceExists: true, groups: undefined }, status, served: 1 }))).toEqual([]);
    expect(evaluateWarnings(inputs({ facts: { namespaceExists: true, groups: undefined }, status: { ...status, synced: false } }))).toEqual(
      [],
    );
    const mixed = { ...status, exclusions: { ...status.exclusions, d: { code: 'no-url', message: 'm', since: '' } } };
    expect(evaluateWarnings(inputs({ facts: { namespaceExists: true, groups: undefined }, status: mixed }))).toEqual([]);
  });

  it('gives no warning it cannot know: unanswered questions raise nothing', () => {
    expect(evaluateWarnings(inputs({ facts: { namespaceExists: undefined, groups: undefined } }))).toEqual([]);
  });
});
