export { Reflector } from './reflector.ts';
export type { ListPath, ReflectorErrorInfo, ReflectorOptions, ReflectorStatus, ReflectorStore } from './types.ts';
