import type { KubeObject, Secret } from '@vmcp/api';
import { createKubernetesDiscoverer, kubernetesWatchPlan, type AuthConverterRegistry } from '../src/index.ts';
import { createMemoryCacheReader, createMemoryDirectReader, secretData } from '../src/testing/index.ts';
import { GROUP, NS } from './fixtures.ts';

/** Values planted in Secrets: none may ever appear in an error, a reason, a log line or a snapshot. */
export const PLANTED = ['s3cr3t-CLIENT-value-9f1', 'hdr-VALUE-planted-77', 'idp-PLANTED-x1', 'target-PLANTED-y2'] as const;

export function secret(name: string, values: Record<string, string>, extra: Partial<Secret> = {}): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, data: secretData(values), ...extra };
}

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function harness(options: { converters?: AuthConverterRegistry } = {}) {
  const plan = kubernetesWatchPlan({ group: GROUP });
  const cache = createMemoryCacheReader(plan);
  const direct = createMemoryDirectReader();
  const logs: LogLine[] = [];
  const logger = {
    debug: (message: string, fields?: Record<string, unknown>) =>
      void logs.push({ level: 'debug', message, ...(fields ? { fields } : {}) }),
    warn: (message: string, fields?: Record<string, unknown>) => void logs.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
  };
  const discoverer = createKubernetesDiscoverer({
    namespace: NS,
    reader: cache,
    direct,
    logger,
    ...(options.converters ? { authConverters: options.converters } : {}),
  });
  const put = (o: KubeObject) => cache.set(o.kind!, o);
  return { plan, cache, direct, discoverer, logs, put };
}

/** Throws if any planted secret value occurs in the JSON of `value`. */
export function assertNoSecret(value: unknown): void {
  const text =
    typeof value === 'string'
      ? value
      : JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { message: v.message, cause: v.cause } : v));
  for (const planted of PLANTED) {
    if (text.includes(planted)) throw new Error(`planted secret value found in: ${text.slice(0, 200)}`);
    const b64 = Buffer.from(planted).toString('base64');
    if (text.includes(b64)) throw new Error(`base64 of a planted secret found in: ${text.slice(0, 200)}`);
  }
}
