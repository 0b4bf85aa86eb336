/**
 * `@vmcp/core/testing`: the manually driven {@link FakeClock} and {@link flushAsync}, kept out of the main entry point
 * so that a production program never imports them.
 *
 * @module
 */
export { FakeClock, flushAsync, type FakeClockOptions } from './fake-clock.ts';
