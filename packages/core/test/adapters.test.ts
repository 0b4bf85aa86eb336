import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { consoleLogger, pinoLogger, type ConsoleLike, type Logger } from '../src/index.ts';

/** A real pino logger at `debug` writing JSON lines into `lines`. */
function realPino(lines: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: 'debug', base: null, timestamp: false }, sink);
}

describe('pinoLogger', () => {
  it('keeps message and fields, at the right level, through a real pino', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger: Logger = pinoLogger(realPino(lines));
    logger.debug('reconciled', { name: 'github', action: 'upsert' });
    logger.info('caches synced', { ms: 12 });
    logger.warn('watch failed; retrying in 800 ms', { kind: 'MCPServer', attempt: 2 });
    logger.error('backend watcher failed: 100% broken %s');
    logger.info('no fields');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      { level: 20, name: 'github', action: 'upsert', msg: 'reconciled' },
      { level: 30, ms: 12, msg: 'caches synced' },
      { level: 40, kind: 'MCPServer', attempt: 2, msg: 'watch failed; retrying in 800 ms' },
      { level: 50, msg: 'backend watcher failed: 100% broken %s' },
      { level: 30, msg: 'no fields' },
    ]);
  });

  it('is needed: pino passed as a Logger type-checks and drops the fields (the reason the adapter exists)', async () => {
    const lines: Record<string, unknown>[] = [];
    const direct: Logger = realPino(lines);
    direct.info('caches synced', { ms: 12 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toHaveProperty('ms');
  });

  it('never hands pino the caller’s fields object', () => {
    const seen: object[] = [];
    const fields = { kind: 'Secret' };
    const record = (f: object): void => void seen.push(f);
    pinoLogger({ debug: record, info: record, warn: record, error: record }).info('x', fields);
    expect(seen[0]).toEqual(fields);
    expect(seen[0]).not.toBe(fields);
  });
});

describe('consoleLogger', () => {
  function capture(): { target: ConsoleLike; written: string[] } {
    const written: string[] = [];
    const at = (level: string) => (line: string) => void written.push(`${level} ${line}`);
    return { target: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, written };
  }

  it('writes one line per call, fields as JSON, and drops what is below its level (info by default)', () => {
    const { target, written } = capture();
    const logger = consoleLogger(undefined, target);
    logger.debug('reconciled', { name: 'github' });
    logger.info('API versions discovered', { versions: { MCPServer: 'v1beta1' }, served: ['v1alpha1', 'v1beta1'] });
    logger.warn('retrying');
    logger.error('failed', { big: 10n });
    expect(written).toEqual([
      'info API versions discovered {"versions":{"MCPServer":"v1beta1"},"served":["v1alpha1","v1beta1"]}',
      'warn retrying',
      'error failed {"big":"10"}',
    ]);
  });

  it('at debug, writes everything; unserialisable fields do not throw', () => {
    const { target, written } = capture();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    consoleLogger('debug', target).debug('reconciled', cyclic);
    expect(written).toEqual(['debug reconciled {"fields":"not serialisable"}']);
  });
});
