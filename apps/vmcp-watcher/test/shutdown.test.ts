import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/observe/logger.ts';
import { installSignalHandlers } from '../src/shutdown.ts';

function setup(shutdown: () => Promise<void>, deadlineMs = 1000) {
  const target = new EventEmitter();
  const exits: number[] = [];
  const lines: string[] = [];
  const remove = installSignalHandlers({
    logger: createLogger({ level: 'info', write: (l) => lines.push(l) }),
    shutdown,
    exit: (code) => exits.push(code),
    target: target as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
    deadlineMs,
  });
  return { target, exits, lines, remove };
}

describe('installSignalHandlers', () => {
  it('stops gracefully on the first signal and exits 0', async () => {
    let stopped = false;
    const { target, exits } = setup(async () => {
      await sleep(20);
      stopped = true;
    });
    target.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([]);
    await sleep(60);
    expect(stopped).toBe(true);
    expect(exits).toEqual([0]);
  });

  it('exits at once with 1 on a second signal', () => {
    const { target, exits, lines } = setup(() => new Promise(() => undefined));
    target.emit('SIGINT', 'SIGINT');
    target.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
    expect(lines.some((l) => l.includes('second signal'))).toBe(true);
  });

  it('exits 1 when the graceful stop fails or overruns its deadline', async () => {
    const failing = setup(() => Promise.reject(new Error('drain failed')));
    failing.target.emit('SIGTERM', 'SIGTERM');
    await sleep(10);
    expect(failing.exits).toEqual([1]);
    const slow = setup(() => new Promise(() => undefined), 30);
    slow.target.emit('SIGTERM', 'SIGTERM');
    await sleep(80);
    expect(slow.exits).toEqual([1]);
  });

  it('removes its handlers', () => {
    const { target, remove } = setup(() => Promise.resolve());
    remove();
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });
});
