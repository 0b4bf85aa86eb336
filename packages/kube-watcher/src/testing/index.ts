/**
 * `@vmcp/kube-watcher/testing`: what users' tests, demos and benchmarks need and a production watcher must not: the
 * manually driven {@link FakeClock} and {@link flushAsync} (from `@vmcp/core/testing`), and the object writes
 * ({@link createObject}, {@link patchObject}, {@link deleteObject}, {@link createWithStatus}) and ServiceAccount tokens
 * ({@link requestServiceAccountToken}) on the same REST client as the watcher's reads. The watcher itself never writes.
 *
 * @module
 */
export { FakeClock, flushAsync } from '@vmcp/core/testing';
export {
  createObject,
  createWithStatus,
  deleteObject,
  patchObject,
  requestServiceAccountToken,
  type TokenRequestOptions,
  type WriteOptions,
} from '../client/writes.ts';
