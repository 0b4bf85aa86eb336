/**
 * HTTPS serving with the certificate and key read from files and reloaded when they change on disk (cert-manager and
 * the kubelet replace a mounted Secret's files in one atomic swap). The files are polled: a stat-based poll follows
 * the symlink swap of a Secret volume, where a file watch may be left watching the old inode. A changed pair that does
 * not load (a key from one rotation, a certificate from the next, mid-swap) keeps the old pair in service and is tried
 * again on the next poll.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type http from 'node:http';
import tls from 'node:tls';
import { errorMessage } from '@vmcp/core';
import type { Logger } from '../observe/logger.ts';

/** `1.2` or `1.3`, as the flag spells it. */
export type TlsMinVersion = '1.2' | '1.3';

/** Where the serving pair lives and how it is served. */
export interface TlsSettings {
  certFile: string;
  keyFile: string;
  minVersion: TlsMinVersion;
  /** How often the files are checked for a change. Default 10 s. */
  pollMs?: number;
}

/** Options of {@link createTlsServer}. */
export interface TlsServerOptions extends TlsSettings {
  logger: Logger;
}

/** An HTTPS server and the reloader of its pair. */
export interface TlsServer {
  server: https.Server;
  /** Reads the files now and swaps the pair in if it changed and loads; resolves true when it swapped. */
  reload(): Promise<boolean>;
  /** Stops polling. */
  close(): void;
}

interface Pair {
  cert: Buffer;
  key: Buffer;
}

async function readPair(settings: TlsSettings): Promise<Pair> {
  const [cert, key] = await Promise.all([readFile(settings.certFile), readFile(settings.keyFile)]);
  return { cert, key };
}

function minVersionOf(version: TlsMinVersion): tls.SecureVersion {
  return version === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
}

/**
 * Reads the pair once, synchronously (start-up; throws an error naming the files and the problem when they cannot be
 * served), then builds the HTTPS server with `listener` and starts polling the files.
 */
export function createTlsServer(listener: http.RequestListener, options: TlsServerOptions): TlsServer {
  let current: Pair;
  try {
    current = { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) };
    tls.createSecureContext({ ...current, minVersion: minVersionOf(options.minVersion) });
  } catch (error) {
    throw new Error(
      `cannot serve TLS with --tls-cert-file ${options.certFile} and --tls-key-file ${options.keyFile}: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  const minVersion = minVersionOf(options.minVersion);
  const server = https.createServer({ ...current, minVersion }, listener);
  let lastFailure = '';
  const reload = async (): Promise<boolean> => {
    let next: Pair;
    try {
      next = await readPair(options);
    } catch (error) {
      report(`cannot read the serving certificate files: ${errorMessage(error)}`);
      return false;
    }
    if (next.cert.equals(current.cert) && next.key.equals(current.key)) return false;
    try {
      server.setSecureContext({ ...next, minVersion });
    } catch (error) {
      report(`the changed serving certificate does not load; the previous one stays in service: ${errorMessage(error)}`);
      return false;
    }
    current = next;
    lastFailure = '';
    options.logger.info('serving certificate reloaded', { certFile: options.certFile });
    return true;
  };
  // One line per distinct problem, not one per poll.
  const report = (message: string): void => {
    if (message === lastFailure) return;
    lastFailure = message;
    options.logger.warn(message, { certFile: options.certFile, keyFile: options.keyFile });
  };
  const timer = setInterval(() => void reload(), options.pollMs ?? 10_000);
  timer.unref();
  server.once('close', () => clearInterval(timer));
  return { server, reload, close: () => clearInterval(timer) };
}
