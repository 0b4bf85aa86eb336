import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { request, type TlsIdentity } from './internal/http.ts';
import { waitUntil } from './internal/wait.ts';

/** The parts of a CustomResourceDefinition this module reads. */
export interface CrdDocument {
  apiVersion?: string;
  kind: 'CustomResourceDefinition';
  metadata: { name: string; resourceVersion?: string; [k: string]: unknown };
  spec: { group: string; names: { kind: string; plural: string }; versions: Array<{ name: string; served?: boolean }> };
  [k: string]: unknown;
}

const CRD_EXT = /\.(ya?ml|json)$/i;

function listFiles(p: string): string[] {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) throw new Error(`CRD path ${p} does not exist`);
  if (st.isFile()) return [p];
  return readdirSync(p)
    .filter((f) => CRD_EXT.test(f))
    .sort()
    .map((f) => path.join(p, f))
    .filter((f) => statSync(f).isFile());
}

/**
 * Reads every CustomResourceDefinition in the given files and directories (a directory: its `.yaml`, `.yml` and
 * `.json` files, not recursive; multi-document YAML allowed). Other kinds are ignored, as controller-runtime does.
 */
export function loadCrds(paths: readonly string[]): CrdDocument[] {
  const out: CrdDocument[] = [];
  for (const p of paths) {
    for (const file of listFiles(path.resolve(p))) {
      const docs = parseAllDocuments(readFileSync(file, 'utf8'));
      for (const doc of docs) {
        if (doc.errors.length > 0) throw new Error(`cannot parse ${file}: ${doc.errors[0]?.message}`);
        const value = doc.toJS() as Partial<CrdDocument> | null;
        if (!value || value.kind !== 'CustomResourceDefinition') continue;
        if (!value.metadata?.name || !value.spec?.group || !value.spec.names?.plural || !Array.isArray(value.spec.versions)) {
          throw new Error(
            `${file}: CustomResourceDefinition ${value.metadata?.name ?? '(no name)'} lacks metadata.name, spec.group, spec.names.plural or spec.versions`,
          );
        }
        out.push(value as CrdDocument);
      }
    }
  }
  return out;
}

const CRD_API = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

async function createOrUpdate(server: string, tls: TlsIdentity, crd: CrdDocument): Promise<void> {
  const name = crd.metadata.name;
  const created = await request(`${server}${CRD_API}`, { method: 'POST', body: crd, tls });
  if (created.status === 201 || created.status === 200) return;
  if (created.status !== 409) throw new Error(`creating CRD ${name} failed: HTTP ${created.status} ${created.body}`);
  // Exists: replace it with ours, carrying the current resourceVersion; retry on a conflicting concurrent write.
  for (let attempt = 0; attempt < 5; attempt++) {
    const got = await request(`${server}${CRD_API}/${name}`, { tls });
    if (got.status !== 200) throw new Error(`reading CRD ${name} failed: HTTP ${got.status} ${got.body}`);
    const current = JSON.parse(got.body) as CrdDocument;
    const body = { ...crd, metadata: { ...crd.metadata, resourceVersion: current.metadata.resourceVersion } };
    const put = await request(`${server}${CRD_API}/${name}`, { method: 'PUT', body, tls });
    if (put.status === 200) return;
    if (put.status !== 409) throw new Error(`updating CRD ${name} failed: HTTP ${put.status} ${put.body}`);
  }
  throw new Error(`updating CRD ${name} failed: conflicts on 5 attempts`);
}

async function isReady(server: string, tls: TlsIdentity, crd: CrdDocument): Promise<boolean> {
  const got = await request(`${server}${CRD_API}/${crd.metadata.name}`, { tls });
  if (got.status !== 200) return false;
  const conditions =
    (JSON.parse(got.body) as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions ?? [];
  const isTrue = (t: string): boolean => conditions.some((c) => c.type === t && c.status === 'True');
  if (!isTrue('Established') || !isTrue('NamesAccepted')) return false;
  // Established is not enough: clients use discovery, which lags behind. Wait for the plural in every served version.
  for (const v of crd.spec.versions.filter((x) => x.served !== false)) {
    const res = await request(`${server}/apis/${crd.spec.group}/${v.name}`, { tls });
    if (res.status !== 200) return false;
    const list = JSON.parse(res.body) as { resources?: Array<{ name: string }> };
    if (!list.resources?.some((r) => r.name === crd.spec.names.plural)) return false;
    // Discovery can list the resource before its watch cache is initialised, when a LIST still answers
    // 429 "storage is (re)initializing" (measured on 1.36). Wait until a LIST across namespaces succeeds.
    const probe = await request(`${server}/apis/${crd.spec.group}/${v.name}/${crd.spec.names.plural}?limit=1`, { tls });
    if (probe.status !== 200) return false;
  }
  return true;
}

/**
 * Creates or updates each CRD, then waits until every one is Established and NamesAccepted, its plural is listed
 * by discovery for every served version, and a LIST of it succeeds (its watch cache is initialised). Returns the installed CRDs' names.
 */
export async function installCrds(server: string, tls: TlsIdentity, crds: readonly CrdDocument[], timeoutMs = 30_000): Promise<string[]> {
  for (const crd of crds) await createOrUpdate(server, tls, crd);
  await Promise.all(
    crds.map((crd) =>
      waitUntil(`CRD ${crd.metadata.name} to be Established and served by discovery`, () => isReady(server, tls, crd), { timeoutMs }),
    ),
  );
  return crds.map((c) => c.metadata.name);
}
