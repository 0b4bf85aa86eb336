export * from './errors.ts';
export { KubeHttpClient, type ExchangeOptions } from './http.ts';
export * from './list-watch.ts';
export { createApiDirectReader, type ApiDirectReaderOptions } from './direct-reader.ts';
