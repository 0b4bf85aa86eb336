export * from './errors.ts';
export { KubeHttpClient, type ExchangeOptions, type KubeMethod, type RequestBody } from './http.ts';
export { withKeepAlive } from './keep-alive.ts';
export * from './list-watch.ts';
export { createApiDirectReader, type ApiDirectReaderOptions } from './direct-reader.ts';
export * from './objects.ts';
export { LineSplitter } from './ndjson.ts';
