export {
  Reflector,
  type ListPath,
  type ReflectorErrorInfo,
  type ReflectorOptions,
  type ReflectorStatus,
  type ReflectorStore,
} from './reflector.ts';
