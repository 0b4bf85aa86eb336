import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Files of a throwaway PKI (all PEM), as made by {@link createPki}. */
export interface PkiFiles {
  dir: string;
  servingCaCert: string;
  servingCaKey: string;
  apiserverCert: string;
  apiserverKey: string;
  clientCaCert: string;
  clientCaKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

/** A client identity signed by the client CA. */
export interface ClientCert {
  cert: string;
  key: string;
  certPem: string;
  keyPem: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileP('openssl', args, { cwd, timeout: 30_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'the `openssl` command is not on PATH; @vmcp/envtest issues its test certificates with it. Install OpenSSL (Debian: apt-get install openssl).',
        { cause: error },
      );
    }
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.trim() || e.message}`, { cause: error });
  }
}

const serial = (): string => `0x${randomBytes(8).toString('hex')}`;

/** Subject `/O=g1/O=g2/CN=name`; `/`, `\`, `+` and `,` escaped so a group name cannot inject another RDN. */
function subject(name: string, groups: readonly string[]): string {
  const esc = (v: string): string => {
    if (v === '') throw new Error('client certificate name and groups must be non-empty strings');
    return v.replace(/[\\/+,=]/g, (c) => `\\${c}`);
  };
  return [...groups.map((g) => `/O=${esc(g)}`), `/CN=${esc(name)}`].join('');
}

/**
 * Makes the PKI a secure kube-apiserver needs, in `dir`, with the openssl CLI (node:crypto cannot issue
 * certificates): a serving CA and the apiserver certificate (SANs localhost, 127.0.0.1, ::1), a client CA for user
 * certificates, and an EC key pair for service-account tokens. All EC P-256, valid 7 days.
 */
export async function createPki(dir: string): Promise<PkiFiles> {
  mkdirSync(dir, { recursive: true });
  const f = (n: string): string => path.join(dir, n);
  await Promise.all(
    ['serving-ca', 'client-ca'].map((ca) =>
      openssl(
        [
          'req',
          '-x509',
          '-new',
          ...EC,
          '-keyout',
          `${ca}.key`,
          '-out',
          `${ca}.crt`,
          '-days',
          '7',
          '-subj',
          `/O=envtest/CN=envtest-${ca}`,
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=critical,keyCertSign,digitalSignature',
        ],
        dir,
      ),
    ),
  );
  writeFileSync(
    f('apiserver.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n',
  );
  await Promise.all([
    (async () => {
      await openssl(['req', '-new', ...EC, '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/O=envtest/CN=localhost'], dir);
      await openssl(
        [
          'x509',
          '-req',
          '-in',
          'apiserver.csr',
          '-CA',
          'serving-ca.crt',
          '-CAkey',
          'serving-ca.key',
          '-set_serial',
          serial(),
          '-days',
          '7',
          '-extfile',
          'apiserver.ext',
          '-out',
          'apiserver.crt',
        ],
        dir,
      );
    })(),
    (async () => {
      await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'sa.key'], dir);
      await openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
    })(),
  ]);
  return {
    dir,
    servingCaCert: f('serving-ca.crt'),
    servingCaKey: f('serving-ca.key'),
    apiserverCert: f('apiserver.crt'),
    apiserverKey: f('apiserver.key'),
    clientCaCert: f('client-ca.crt'),
    clientCaKey: f('client-ca.key'),
    serviceAccountKey: f('sa.key'),
    serviceAccountPub: f('sa.pub'),
  };
}

/** The client CA a user certificate is signed with (the worker side of the vitest integration only needs these). */
export interface ClientCa {
  cert: string;
  key: string;
}

/**
 * Issues a client certificate (CN = name, one O per group) signed by the client CA, into `dir/<name>-<random>.{crt,key}`.
 * kube-apiserver maps CN to the user name and each O to a group.
 */
export async function issueClientCert(ca: ClientCa, dir: string, name: string, groups: readonly string[] = []): Promise<ClientCert> {
  mkdirSync(dir, { recursive: true });
  const base = `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${randomBytes(4).toString('hex')}`;
  const ext = path.join(dir, `${base}.ext`);
  writeFileSync(ext, 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n');
  await openssl(['req', '-new', ...EC, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', subject(name, groups)], dir);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      serial(),
      '-days',
      '7',
      '-extfile',
      ext,
      '-out',
      `${base}.crt`,
    ],
    dir,
  );
  const cert = path.join(dir, `${base}.crt`);
  const key = path.join(dir, `${base}.key`);
  return { cert, key, certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}
