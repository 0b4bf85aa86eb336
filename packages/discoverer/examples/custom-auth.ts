// The README's custom converter, type-checked with the package (test/example.test.ts exercises it).
import {
  FieldReader,
  createAuthConverterRegistry,
  readSecretKeyRef,
  readSecretValue,
  type AuthConverter,
  type AuthConverterRegistry,
} from '@vmcp/discoverer';

// MCPExternalAuthConfig { spec: { type: 'apiKey', apiKey: { header: 'X-Key', secretRef: { name, key } } } }
export const apiKey: AuthConverter = {
  strategyType: 'api_key',
  convert(config) {
    const f = new FieldReader(`MCPExternalAuthConfig "${config.metadata.name}"`);
    const spec = f.requiredObject((config as { spec?: unknown }).spec, 'spec');
    const sub = f.requiredObject(spec['apiKey'], 'spec.apiKey');
    return { type: 'api_key', custom: { header: f.stringOrEmpty(sub['header'], 'spec.apiKey.header') } };
  },
  async resolveSecrets(config, strategy, context) {
    const f = new FieldReader(`MCPExternalAuthConfig "${config.metadata.name}"`);
    const spec = f.requiredObject((config as { spec?: unknown }).spec, 'spec');
    const sub = f.requiredObject(spec['apiKey'], 'spec.apiKey');
    const ref = readSecretKeyRef(f, sub, 'secretRef', 'spec.apiKey.secretRef');
    if (ref === undefined) throw new Error('secretRef is nil');
    return { ...strategy, custom: { ...strategy.custom, value: await readSecretValue(context, ref) } };
  },
};

/** A registry with the built-ins plus `apiKey`. */
export function registryWithApiKey(): AuthConverterRegistry {
  const authConverters = createAuthConverterRegistry();
  authConverters.register('apiKey', apiKey);
  return authConverters;
}
