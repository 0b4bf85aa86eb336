export * from './types.ts';
export * from './constants.ts';
export { FieldReader, MalformedObjectError, isJsonObject, jsonTypeOf, objectLabel, type JsonObject } from './read/fields.ts';
export { kubernetesWatchPlan, SOURCE_KINDS, type KubernetesWatchPlanOptions } from './plan/kubernetes-plan.ts';
export {
  transformMCPServer,
  transformMCPRemoteProxy,
  transformMCPServerEntry,
  transformMCPExternalAuthConfig,
  transformMetadataOnly,
} from './plan/transforms.ts';
export { authConfigRefValues, caBundleConfigMapValues, secretRefValues } from './plan/indexes.ts';
export { createMemoryCacheReader, type MemoryCacheReader } from './memory/memory-cache-reader.ts';
export {
  createMemoryDirectReader,
  secretData,
  type DirectRead,
  type MemoryDirectReader,
} from './memory/memory-direct-reader.ts';
