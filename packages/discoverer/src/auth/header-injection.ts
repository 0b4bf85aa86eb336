import type { BackendAuthStrategy } from '@vmcp/registry';
import { readSubConfig } from './config-fields.ts';
import { readSecretKeyRef, readSecretValue } from './secrets.ts';
import type { AuthConverter } from './types.ts';

const NIL_CONFIG = 'header injection config is nil';

/** `headerInjection` → `header_injection`: a fixed header whose value comes from a Secret (`valueSecretRef`). */
export const headerInjectionConverter: AuthConverter = {
  strategyType: 'header_injection',
  convert(config) {
    const { fields, sub } = readSubConfig(config, 'headerInjection', NIL_CONFIG);
    const headerName = fields.stringOrEmpty(sub['headerName'], 'spec.headerInjection.headerName');
    readSecretKeyRef(fields, sub, 'valueSecretRef', 'spec.headerInjection.valueSecretRef');
    return { type: 'header_injection', headerInjection: { headerName } };
  },
  async resolveSecrets(config, strategy, context): Promise<BackendAuthStrategy> {
    // Order as upstream: strategy, then config, then the reference (missing here is an error, unlike tokenExchange).
    const current = (strategy as BackendAuthStrategy | null | undefined)?.headerInjection;
    if (current === undefined || current === null) throw new Error('header injection strategy is nil');
    const { fields, sub } = readSubConfig(config, 'headerInjection', NIL_CONFIG);
    const ref = readSecretKeyRef(fields, sub, 'valueSecretRef', 'spec.headerInjection.valueSecretRef');
    if (ref === undefined) throw new Error('valueSecretRef is nil');
    const headerValue = await readSecretValue(context, ref);
    return { ...strategy, headerInjection: { ...current, headerValue } };
  },
};
