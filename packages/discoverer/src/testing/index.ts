/**
 * `@vmcp/discoverer/testing`: in-memory readers for users' tests (a `CacheReader` and a `DirectReader` filled by
 * hand), kept out of the main entry point so that a production program never imports them.
 *
 * @module
 */
export { createMemoryCacheReader, type MemoryCacheReader } from '../memory/memory-cache-reader.ts';
export { createMemoryDirectReader, secretData, type DirectRead, type MemoryDirectReader } from '../memory/memory-direct-reader.ts';
