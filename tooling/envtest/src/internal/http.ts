import http from 'node:http';
import https from 'node:https';

/** TLS material for talking to the apiserver as one user (PEM text). */
export interface TlsIdentity {
  ca: string;
  cert: string;
  key: string;
}

/** A response with its body read as text. */
export interface TextResponse {
  status: number;
  body: string;
}

/** Options for {@link request}. */
export interface RequestOptions {
  method?: string;
  body?: unknown;
  timeoutMs?: number;
  tls?: TlsIdentity;
  contentType?: string;
}

/**
 * One HTTP(S) request with a JSON body; resolves with any status, rejects on a network error or timeout. Small and
 * dependency-free on purpose: readiness polling and CRD installation happen before any client library is set up.
 */
export function request(url: string, opts: RequestOptions = {}): Promise<TextResponse> {
  const u = new URL(url);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = opts.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = { method: opts.method ?? 'GET', headers, agent: false, timeout: opts.timeoutMs ?? 10_000 };
    if (opts.tls) Object.assign(options, { ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key });
    const req = (u.protocol === 'https:' ? https : http).request(u, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${options.method} ${url} timed out after ${options.timeout} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
