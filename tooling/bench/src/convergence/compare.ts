/**
 * Compares the registry with the oracle's expectation: ids, and for each id the key fields. A divergence lists
 * what is missing, what is extra, and which fields differ — with secret values replaced by a marker.
 */
import { compareBy } from '@vmcp/core';
import type { Backend } from '@vmcp/registry';
import type { ExpectedBackend, ExpectedExclusion } from './oracle.ts';

/** The compared view of a backend (the oracle's shape without `kind`). */
export type ComparedFields = Omit<ExpectedBackend, 'kind'>;

/** One difference. */
export type Divergence =
  | { id: string; problem: 'missing'; expected: ComparedFields }
  | { id: string; problem: 'unexpected'; actual: ComparedFields }
  | { id: string; problem: 'field'; field: string; expected: string; actual: string }
  | { id: string; problem: 'exclusion'; expected: string; actual: string };

/** An exclusion as the watcher reports it (`BackendWatcher.status().exclusions`). */
export interface ReportedExclusion {
  kind?: string;
  code: string;
}

const describeExclusion = (e: { kind?: string | undefined; code: string } | undefined): string =>
  e === undefined ? '(none)' : `${e.kind ?? '?'} ${e.code}`;

/** Every difference between the exclusions the watcher reports and the expected ones (name, kind, reason code). */
export function diffExclusions(
  actual: Readonly<Record<string, ReportedExclusion>>,
  expected: ReadonlyMap<string, ExpectedExclusion>,
): Divergence[] {
  const out: Divergence[] = [];
  const names = new Set([...Object.keys(actual), ...expected.keys()]);
  for (const name of names) {
    const got = Object.hasOwn(actual, name) ? actual[name] : undefined;
    const want = expected.get(name);
    if (got?.kind === want?.kind && got?.code === want?.code) continue;
    out.push({ id: name, problem: 'exclusion', expected: describeExclusion(want), actual: describeExclusion(got) });
  }
  return out.sort(compareBy((entry) => entry.id));
}

/** The compared fields of a registry backend. */
export function comparedFields(b: Backend): ComparedFields {
  const auth = b.authConfig;
  return {
    id: b.id,
    baseUrl: b.baseUrl,
    transportType: b.transportType,
    type: b.type ?? '',
    healthStatus: b.healthStatus,
    authConfigRef: b.authConfigRef ?? '',
    authType: auth?.type ?? '',
    authSecret: auth?.headerInjection?.headerValue ?? auth?.tokenExchange?.clientSecret ?? '',
    metadata: { ...b.metadata },
  };
}

const redact = (f: ComparedFields): ComparedFields => ({ ...f, authSecret: f.authSecret === '' ? '' : '<secret>' });

/** Every divergence between the registry's backends and the expected ones, sorted by id. Empty = converged. */
export function diffRegistry(actual: readonly Backend[], expected: ReadonlyMap<string, ExpectedBackend>): Divergence[] {
  const out: Divergence[] = [];
  const actualById = new Map(actual.map((b) => [b.id, comparedFields(b)]));
  for (const [id, exp] of expected) {
    const { kind: _kind, ...want } = exp;
    const got = actualById.get(id);
    if (!got) {
      out.push({ id, problem: 'missing', expected: redact(want) });
      continue;
    }
    for (const field of ['baseUrl', 'transportType', 'type', 'healthStatus', 'authConfigRef', 'authType'] as const) {
      if (got[field] !== want[field]) out.push({ id, problem: 'field', field, expected: want[field], actual: got[field] });
    }
    if (got.authSecret !== want.authSecret)
      out.push({ id, problem: 'field', field: 'authSecret', expected: '<secret A>', actual: '<secret B>' });
    const keys = new Set([...Object.keys(got.metadata), ...Object.keys(want.metadata)]);
    for (const key of [...keys].sort()) {
      const a = got.metadata[key];
      const e = want.metadata[key];
      if (a !== e) out.push({ id, problem: 'field', field: `metadata.${key}`, expected: e ?? '(absent)', actual: a ?? '(absent)' });
    }
  }
  for (const [id, got] of actualById) if (!expected.has(id)) out.push({ id, problem: 'unexpected', actual: redact(got) });
  return out.sort(compareBy((entry) => entry.id));
}

/** Human-readable lines of a diff. */
export function formatDiff(diff: readonly Divergence[]): string {
  return diff
    .map((d) => {
      switch (d.problem) {
        case 'missing':
          return `  - ${d.id}: expected but not in the registry: ${JSON.stringify(d.expected)}`;
        case 'unexpected':
          return `  + ${d.id}: in the registry but not expected: ${JSON.stringify(d.actual)}`;
        case 'field':
          return `  ~ ${d.id}.${d.field}: expected ${JSON.stringify(d.expected)}, registry has ${JSON.stringify(d.actual)}`;
        case 'exclusion':
          return `  ! ${d.id}: expected exclusion ${d.expected}, watcher reports ${d.actual}`;
      }
    })
    .join('\n');
}
