/**
 * `@vmcp/kube-watcher/testing`: test doubles for users' tests (a manually driven {@link FakeClock} and
 * {@link flushAsync}), kept out of the main entry point so that a production program never imports them.
 *
 * @module
 */
export { FakeClock, flushAsync } from '@vmcp/core/testing';
