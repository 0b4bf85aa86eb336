import { describe, expect, it } from 'vitest';
import { changeLatencies, keepGatewaySection, withSection } from '../src/gateway/report.ts';

describe('gateway load report', () => {
  it('a change counts once every session heard of it, at the slowest session; unheard changes are left out', () => {
    const changes = [
      { kind: 'removed' as const, at: 1_000 },
      { kind: 'killed' as const, at: 2_000 },
      { kind: 'added' as const, at: 3_000 },
    ];
    const notifications = [
      [1_010, 2_050, 3_020],
      [1_030, 2_020],
    ];
    const latencies = changeLatencies(changes, notifications);
    expect(latencies.removed).toMatchObject({ count: 1, p50: 30 });
    expect(latencies.killed).toMatchObject({ count: 1, p50: 50 });
    expect(latencies.added).toBeNull();
  });

  it('replaces its own marked section and leaves the rest of the file alone; appends it when missing', () => {
    const first = withSection('# Benchmarks\n\nother tables\n', 'A');
    expect(first).toBe('# Benchmarks\n\nother tables\n\n<!-- gateway-load:start -->\nA\n<!-- gateway-load:end -->\n');
    const second = withSection(`${first}\n## Feed\n`, 'B');
    expect(second).toBe('# Benchmarks\n\nother tables\n\n<!-- gateway-load:start -->\nB\n<!-- gateway-load:end -->\n\n## Feed\n');
  });

  it('a full run that rewrites the file carries the committed gateway section over, and adds none when there was none', () => {
    const committed = withSection('# Benchmarks\n\nold run\n', 'gateway figures');
    const rewritten = '# Benchmarks\n\nnew run\n';
    expect(keepGatewaySection(committed, rewritten)).toBe(withSection(rewritten, 'gateway figures'));
    expect(keepGatewaySection('# Benchmarks\n\nold run\n', rewritten)).toBe(rewritten);
    expect(keepGatewaySection(undefined, rewritten)).toBe(rewritten);
  });
});
