import { describe, expect, it } from 'vitest';
import { DEFAULT_INACTIVITY_TIMEOUT_MS, watchTimeoutSeconds } from '../src/reflector/watch-timing.ts';

describe('watchTimeoutSeconds (the server ends every watch before the client would call it dead)', () => {
  it('draws the default from 50–90 % of the inactivity deadline', () => {
    expect(DEFAULT_INACTIVITY_TIMEOUT_MS).toBe(120_000);
    expect(watchTimeoutSeconds(120_000, undefined, 0)).toBe(60);
    expect(watchTimeoutSeconds(120_000, undefined, 0.5)).toBe(84);
    expect(watchTimeoutSeconds(120_000, undefined, 0.999)).toBe(107);
  });

  it('keeps an explicit range below the deadline, and never under 1 s', () => {
    expect(watchTimeoutSeconds(120_000, { min: 300, max: 600 }, 0.5)).toBe(108); // client-go's range, capped
    expect(watchTimeoutSeconds(600_000, { min: 300, max: 600 }, 0.5)).toBe(450); // within a longer deadline: as asked
    expect(watchTimeoutSeconds(1_000, undefined, 0.5)).toBe(1);
  });

  it('is always shorter than the deadline, whatever the draw', () => {
    for (const inactivityMs of [2_000, 4_000, 30_000, 120_000, 900_000]) {
      for (const random of [0, 0.3, 0.7, 0.9999]) {
        expect(watchTimeoutSeconds(inactivityMs, undefined, random) * 1000).toBeLessThan(inactivityMs);
        expect(watchTimeoutSeconds(inactivityMs, { min: 1, max: 10_000 }, random) * 1000).toBeLessThan(inactivityMs);
      }
    }
  });
});
