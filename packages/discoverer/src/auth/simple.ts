import type { AwsStsRoleMappingStrategy, AwsStsStrategy } from '@vmcp/registry';
import { readSubConfig, setIfDefined } from './config-fields.ts';
import type { AuthConverter } from './types.ts';

/** `unauthenticated` → `unauthenticated`: no sub-object is read, nothing to resolve. */
export const unauthenticatedConverter: AuthConverter = {
  strategyType: 'unauthenticated',
  convert: () => ({ type: 'unauthenticated' }),
  resolveSecrets: (_config, strategy) => Promise.resolve(strategy),
};

/** `upstreamInject` → `upstream_inject`: names the upstream identity provider whose token is injected. */
export const upstreamInjectConverter: AuthConverter = {
  strategyType: 'upstream_inject',
  convert(config) {
    const { fields, sub } = readSubConfig(config, 'upstreamInject', 'upstream inject config is nil');
    return {
      type: 'upstream_inject',
      upstreamInject: { providerName: fields.stringOrEmpty(sub['providerName'], 'spec.upstreamInject.providerName') },
    };
  },
  resolveSecrets: (_config, strategy) => Promise.resolve(strategy),
};

/**
 * `awsSts` → `aws_sts`. Role mappings are copied into new objects. No secrets: credentials come from the pod's IAM
 * identity. CRD defaults (service, roleClaim, sessionDuration, sessionNameClaim) are the API server's job.
 */
export const awsStsConverter: AuthConverter = {
  strategyType: 'aws_sts',
  convert(config) {
    const { fields, sub } = readSubConfig(config, 'awsSts', 'aws sts config is nil');
    const p = 'spec.awsSts';
    const out: AwsStsStrategy = { region: fields.stringOrEmpty(sub['region'], `${p}.region`) };
    setIfDefined(out, 'service', fields.string(sub['service'], `${p}.service`));
    setIfDefined(out, 'fallbackRoleArn', fields.string(sub['fallbackRoleArn'], `${p}.fallbackRoleArn`));
    setIfDefined(out, 'roleClaim', fields.string(sub['roleClaim'], `${p}.roleClaim`));
    setIfDefined(out, 'sessionDuration', fields.integer(sub['sessionDuration'], `${p}.sessionDuration`));
    setIfDefined(out, 'sessionNameClaim', fields.string(sub['sessionNameClaim'], `${p}.sessionNameClaim`));
    setIfDefined(out, 'subjectProviderName', fields.string(sub['subjectProviderName'], `${p}.subjectProviderName`));
    const mappings = fields.array(sub['roleMappings'], `${p}.roleMappings`);
    if (mappings !== undefined) {
      out.roleMappings = mappings.map((item, i) => {
        const mp = `${p}.roleMappings[${i}]`;
        const m = fields.requiredObject(item, mp);
        const mapping: AwsStsRoleMappingStrategy = { roleArn: fields.stringOrEmpty(m['roleArn'], `${mp}.roleArn`) };
        setIfDefined(mapping, 'claim', fields.string(m['claim'], `${mp}.claim`));
        setIfDefined(mapping, 'matcher', fields.string(m['matcher'], `${mp}.matcher`));
        setIfDefined(mapping, 'priority', fields.integer(m['priority'], `${mp}.priority`));
        return mapping;
      });
    }
    return { type: 'aws_sts', awsSts: out };
  },
  resolveSecrets: (_config, strategy) => Promise.resolve(strategy),
};
