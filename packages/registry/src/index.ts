export type * from './types.ts';
export { createDynamicRegistry, type DynamicRegistryOptions } from './dynamic-registry.ts';
export { createImmutableRegistry } from './immutable-registry.ts';
export { MASKED_USERINFO, publicUrl, redactAuthStrategy, toPublicBackend } from './redact.ts';
export type { PublicAuthStrategy, PublicBackend, PublicCABundle } from './redact.ts';
export { PlainDataError } from './plain-data.ts';
