import type { Backend } from '@vmcp/registry';

const MIN_SECRET_LENGTH = 4;

function secretsOf(backend: Backend): string[] {
  const out: string[] = [];
  const auth = backend.authConfig;
  const add = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) out.push(value);
  };
  add(auth?.headerInjection?.headerValue);
  add(auth?.tokenExchange?.clientSecret);
  add(auth?.obo?.clientSecret);
  add(auth?.xaa?.idpClientSecret);
  add(auth?.xaa?.targetClientSecret);
  for (const value of Object.values(auth?.custom ?? {})) add(value);
  for (const value of Object.values(backend.headerForwardSecretValues ?? {})) add(value);
  try {
    const url = new URL(backend.baseUrl);
    add(decodeURIComponent(url.password));
    add(url.password);
  } catch {
    // not a URL: nothing to take from it
  }
  // Longest first, so a secret containing another is replaced whole.
  return out.sort((a, b) => b.length - a.length);
}

/**
 * `message` with every secret value of `backend` replaced by `***`. Error texts come from fetch, the MCP SDK and
 * the backend's own answers; this is the last line of defence before a reason is shown or logged.
 */
export function scrubSecrets(message: string, backend: Backend): string {
  let out = message;
  for (const secret of secretsOf(backend)) out = out.split(secret).join('***');
  return out;
}
