import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/observe/logger.ts';

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, msg and fields, filtered by level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (l) => lines.push(l), now: () => new Date(0) });
    logger.debug('hidden');
    logger.info('hello', { backend: 'a', count: 2 });
    logger.child({ component: 'sse' }).warn('slow', { error: new Error('boom') });
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'hello', backend: 'a', count: 2 });
    expect(JSON.parse(lines[1]!)).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'warn',
      msg: 'slow',
      component: 'sse',
      error: { name: 'Error', message: 'boom' },
    });
    expect(logger.isEnabled('debug')).toBe(false);
    expect(logger.isEnabled('error')).toBe(true);
  });

  it('survives fields that cannot be serialised', () => {
    const lines: string[] = [];
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    createLogger({ level: 'debug', write: (l) => lines.push(l) }).error('cycle', { cyclic });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'cycle', fieldsDropped: true });
  });

  it('rounds durations to the millisecond and leaves other numbers alone', () => {
    const lines: string[] = [];
    createLogger({ level: 'info', write: (l) => lines.push(l) }).info('ready', { ms: 35.381508999999994, retryInMs: 1.6, ratio: 0.25 });
    expect(JSON.parse(lines[0]!)).toMatchObject({ ms: 35, retryInMs: 2, ratio: 0.25 });
  });

  it('writes text lines (logfmt style) with --log-format text, quoting what needs it', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'text', write: (l) => lines.push(l), now: () => new Date(0) });
    logger.child({ component: 'watcher' }).warn('watch failed', { kind: 'MCPServer', error: new Error('403 "no"\nline'), ms: 2.4 });
    expect(lines).toEqual([
      'time=1970-01-01T00:00:00.000Z level=warn msg="watch failed" component=watcher kind=MCPServer ' +
        'error="{\\"name\\":\\"Error\\",\\"message\\":\\"403 \\\\\\"no\\\\\\"\\\\nline\\"}" ms=2\n',
    ]);
  });
});
