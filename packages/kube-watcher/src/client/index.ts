export { KubeApiError, KubeTransportError, InactivityTimeoutError, type KubeStatus, type KubeVerb, type RequestTarget } from './errors.ts';
export { KubeHttpClient, type ExchangeOptions, type KubeMethod, type RequestBody } from './http.ts';
export {
  ALL_NAMESPACES,
  DEFAULT_PAGE_SIZE,
  listAll,
  watch,
  type ListOptions,
  type ListResult,
  type WatchEvent,
  type WatchOptions,
} from './list-watch.ts';
export { createApiDirectReader, type ApiDirectReaderOptions } from './direct-reader.ts';
export { DEFAULT_OBJECT_TIMEOUT_MS, getObject, type ObjectRequestOptions } from './objects.ts';
