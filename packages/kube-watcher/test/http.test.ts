import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigMapResource } from '@vmcp/api';
import { KubeHttpClient } from '../src/client/index.ts';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

describe('KubeHttpClient', () => {
  it('reuses connections between requests (keep-alive), where client-node would open one per request', async () => {
    const ports: number[] = [];
    server = http.createServer((req, res) => {
      ports.push(req.socket.remotePort ?? 0);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"items":[]}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const client = new KubeHttpClient(kc);
    const target = { verb: 'list' as const, resource: ConfigMapResource, namespace: 'ns' };
    for (let i = 0; i < 3; i++) await client.getJson({ target, path: '/api/v1/namespaces/ns/configmaps', accept: 'application/json' });
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(1);
  });
});
