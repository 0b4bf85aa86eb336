import type { BackendAuthStrategy, XaaStrategy } from '@vmcp/registry';
import { errorMessage } from '@vmcp/core';
import { readSubConfig, setIfDefined } from './config-fields.ts';
import { readSecretKeyRef, readSecretValue, type SecretKeyReference } from './secrets.ts';
import type { AuthConverter, AuthConverterContext } from './types.ts';

const NIL_CONFIG = 'xaa config is nil';
const P = 'spec.xaa';

async function resolveWithPrefix(context: AuthConverterContext, ref: SecretKeyReference, prefix: string): Promise<string> {
  try {
    return await readSecretValue(context, ref);
  } catch (error) {
    if (context.signal?.aborted === true) throw error;
    throw new Error(`${prefix}: ${errorMessage(error)}`, { cause: error });
  }
}

/** `xaa` (cross-app access) → `xaa`: an IdP token exchange then a target token exchange, each with its own secret. */
export const xaaConverter: AuthConverter = {
  strategyType: 'xaa',
  convert(config) {
    const { fields, sub } = readSubConfig(config, 'xaa', NIL_CONFIG);
    const out: XaaStrategy = {
      idpTokenUrl: fields.stringOrEmpty(sub['idpTokenUrl'], `${P}.idpTokenUrl`),
      targetTokenUrl: fields.stringOrEmpty(sub['targetTokenUrl'], `${P}.targetTokenUrl`),
      targetAudience: fields.stringOrEmpty(sub['targetAudience'], `${P}.targetAudience`),
    };
    setIfDefined(out, 'idpClientId', fields.string(sub['idpClientId'], `${P}.idpClientId`));
    setIfDefined(out, 'insecureTargetTokenUrl', fields.boolean(sub['insecureTargetTokenUrl'], `${P}.insecureTargetTokenUrl`));
    setIfDefined(out, 'targetClientId', fields.string(sub['targetClientId'], `${P}.targetClientId`));
    setIfDefined(out, 'targetResource', fields.string(sub['targetResource'], `${P}.targetResource`));
    setIfDefined(out, 'scopes', fields.stringArray(sub['scopes'], `${P}.scopes`));
    setIfDefined(out, 'subjectProviderName', fields.string(sub['subjectProviderName'], `${P}.subjectProviderName`));
    setIfDefined(out, 'subjectTokenType', fields.string(sub['subjectTokenType'], `${P}.subjectTokenType`));
    readSecretKeyRef(fields, sub, 'idpClientSecretRef', `${P}.idpClientSecretRef`);
    readSecretKeyRef(fields, sub, 'targetClientSecretRef', `${P}.targetClientSecretRef`);
    return { type: 'xaa', xaa: out };
  },
  async resolveSecrets(config, strategy, context): Promise<BackendAuthStrategy> {
    const current = (strategy as BackendAuthStrategy | null | undefined)?.xaa;
    if (current === undefined || current === null) throw new Error('xaa strategy is nil');
    const { fields, sub } = readSubConfig(config, 'xaa', NIL_CONFIG);
    const idpRef = readSecretKeyRef(fields, sub, 'idpClientSecretRef', `${P}.idpClientSecretRef`);
    const targetRef = readSecretKeyRef(fields, sub, 'targetClientSecretRef', `${P}.targetClientSecretRef`);
    // `*Env` fields are left as they are, as upstream.
    const next: XaaStrategy = { ...current };
    if (idpRef !== undefined) next.idpClientSecret = await resolveWithPrefix(context, idpRef, 'failed to resolve IdP client secret');
    if (targetRef !== undefined) {
      next.targetClientSecret = await resolveWithPrefix(context, targetRef, 'failed to resolve target client secret');
    }
    return { ...strategy, xaa: next };
  },
};
