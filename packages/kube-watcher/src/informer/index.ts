export { IndexedStore, type Indexers } from './store.ts';
export {
  DeletedFinalStateUnknown,
  Informer,
  deletedObject,
  type InformerErrorInfo,
  type InformerHandlers,
  type InformerOptions,
} from './informer.ts';
export { InformerCacheReader } from './cache-reader.ts';
