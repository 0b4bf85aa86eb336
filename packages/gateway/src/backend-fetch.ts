import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import type { FetchFunction } from './token-exchange.ts';

/** A fetch bound to one backend's TLS settings, and how to release it. */
export interface BackendFetch {
  fetch: FetchFunction;
  close: () => Promise<void>;
}

/**
 * The fetch for one backend. With a CA bundle (PEM), a dedicated undici `Agent` trusts the system roots plus that
 * bundle, for this backend only: no other backend and no global setting is affected. Without one, the global fetch.
 */
export function backendFetch(caBundleData: string | undefined): BackendFetch {
  if (caBundleData === undefined || caBundleData === '') return { fetch: (url, init) => fetch(url, init), close: () => Promise.resolve() };
  // One secure context, built once: with `ca` alone every TLS connection would parse the whole root store again.
  const secureContext = createSecureContext({ ca: [...rootCertificates, caBundleData] });
  const agent = new Agent({ connect: { secureContext } });
  return {
    // undici's own fetch with its own Agent: the Request/Response types are the WHATWG ones the SDK expects.
    fetch: (url, init) => {
      const options = { ...init, dispatcher: agent } as Parameters<typeof undiciFetch>[1];
      return undiciFetch(url, options);
    },
    close: () => agent.close(),
  };
}
