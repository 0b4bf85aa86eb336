export { IndexedStore, type Indexers } from './store.ts';
export {
  DeletedFinalStateUnknown,
  Informer,
  deletedObject,
  type InformerErrorInfo,
  type InformerFeed,
  type InformerHandlers,
  type InformerOptions,
  type InformerSource,
} from './informer.ts';
export { InformerCacheReader } from './cache-reader.ts';
export { NamespaceDemux } from './namespace-demux.ts';
