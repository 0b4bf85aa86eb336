import type { BackendAuthStrategy, TokenExchangeStrategy } from '@vmcp/registry';
import { readSubConfig, setIfDefined } from './config-fields.ts';
import { readSecretKeyRef, readSecretValue } from './secrets.ts';
import type { AuthConverter } from './types.ts';

const TOKEN_TYPE_URN = 'urn:ietf:params:oauth:token-type:';

/** Short token-type names are expanded to their RFC 8693 URNs; anything else (a full URN, '') passes unchanged. */
export function normalizeSubjectTokenType(value: string): string {
  switch (value) {
    case 'access_token':
    case 'id_token':
    case 'jwt':
      return TOKEN_TYPE_URN + value;
    default:
      return value;
  }
}

const NIL_CONFIG = 'token exchange config is nil';

/**
 * `tokenExchange` → `token_exchange`. `externalTokenHeaderName` is ignored, as upstream. The client secret comes
 * from `clientSecretRef` (optional: without it the exchange runs as a public client).
 */
export const tokenExchangeConverter: AuthConverter = {
  strategyType: 'token_exchange',
  convert(config) {
    const { fields, sub } = readSubConfig(config, 'tokenExchange', NIL_CONFIG);
    const p = 'spec.tokenExchange';
    const out: TokenExchangeStrategy = { tokenUrl: fields.stringOrEmpty(sub['tokenUrl'], `${p}.tokenUrl`) };
    setIfDefined(out, 'clientId', fields.string(sub['clientId'], `${p}.clientId`));
    setIfDefined(out, 'audience', fields.string(sub['audience'], `${p}.audience`));
    setIfDefined(out, 'scopes', fields.stringArray(sub['scopes'], `${p}.scopes`));
    const subjectTokenType = fields.string(sub['subjectTokenType'], `${p}.subjectTokenType`);
    if (subjectTokenType !== undefined) out.subjectTokenType = normalizeSubjectTokenType(subjectTokenType);
    setIfDefined(out, 'subjectProviderName', fields.string(sub['subjectProviderName'], `${p}.subjectProviderName`));
    // Validate the reference now so a malformed one fails at conversion, like every other field.
    readSecretKeyRef(fields, sub, 'clientSecretRef', `${p}.clientSecretRef`);
    return { type: 'token_exchange', tokenExchange: out };
  },
  async resolveSecrets(config, strategy, context): Promise<BackendAuthStrategy> {
    // Strategy first, then config: the order upstream checks them in (tests match on which message wins).
    const current = (strategy as BackendAuthStrategy | null | undefined)?.tokenExchange;
    if (current === undefined || current === null) throw new Error('token exchange strategy is nil');
    const { fields, sub } = readSubConfig(config, 'tokenExchange', NIL_CONFIG);
    const ref = readSecretKeyRef(fields, sub, 'clientSecretRef', 'spec.tokenExchange.clientSecretRef');
    if (ref === undefined) return strategy;
    const clientSecret = await readSecretValue(context, ref);
    const { clientSecretEnv: _dropped, ...rest } = current;
    return { ...strategy, tokenExchange: { ...rest, clientSecret } };
  },
};
