import type { AuthConverter } from './types.ts';

/**
 * The on-behalf-of auth type needs an enterprise build, as upstream. Identify it with `instanceof` anywhere in an
 * error's `cause` chain (`discoverAndResolveAuth` wraps it).
 */
export class EnterpriseRequiredError extends Error {
  override readonly name = 'EnterpriseRequiredError';
  constructor() {
    super('on-behalf-of (OBO) external auth type requires an enterprise build');
  }
}

function enterpriseRequired(): Error {
  const sentinel = new EnterpriseRequiredError();
  return new Error(`vMCP OBO converter: ${sentinel.message}`, { cause: sentinel });
}

/**
 * `obo` always fails, whatever the input (the type is registered so the error says why). Replace it with
 * `registry.register('obo', yourConverter)`.
 */
export const oboConverter: AuthConverter = {
  strategyType: 'obo',
  convert() {
    throw enterpriseRequired();
  },
  resolveSecrets() {
    return Promise.reject(enterpriseRequired());
  },
};
