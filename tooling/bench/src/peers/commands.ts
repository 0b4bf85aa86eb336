/**
 * How each peer is started. The Node peers (ours, bare) run as the service ships: one bundled file (the bench's
 * build, `dist/peers/*.js`) with Node's compile cache and the Node flags of the service image's ENTRYPOINT; without
 * a build they run from source against the packages' built `dist` (what `--unbundled` measures on purpose: the
 * "before" of the bundle).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PeerCommand, PeerKind } from './process.ts';

const packageRoot = path.resolve(import.meta.dirname, '../..');

/** The service image's Dockerfile: the one place the service's Node flags are written. */
export const SERVICE_DOCKERFILE = path.resolve(packageRoot, '../../apps/vmcp-watcher/Dockerfile');

/**
 * The Node flags the service image starts with: the options between `node` and the script in the Dockerfile's exec
 * form `ENTRYPOINT ["node", …flags, "dist/cli.js"]`. Read at run time, so the bench measures what the image runs.
 * @throws Error when the Dockerfile has no such ENTRYPOINT.
 */
export function serviceNodeFlags(dockerfile = readFileSync(SERVICE_DOCKERFILE, 'utf8')): string[] {
  const line = dockerfile.split('\n').find((l) => l.startsWith('ENTRYPOINT '));
  const argv: unknown = line === undefined ? undefined : JSON.parse(line.slice('ENTRYPOINT '.length));
  if (!Array.isArray(argv) || argv[0] !== 'node' || argv.length < 2 || !argv.every((a) => typeof a === 'string')) {
    throw new Error(`${SERVICE_DOCKERFILE}: no exec-form ENTRYPOINT ["node", …flags, script] (found ${line ?? 'none'})`);
  }
  return argv.slice(1, -1);
}

/** Where the bundled peers are written by `pnpm --filter @vmcp/bench build`. */
export function bundledPeer(kind: Exclude<PeerKind, 'toolhive'>): string {
  return path.join(packageRoot, 'dist', 'peers', `${kind}-peer.js`);
}

/** Options of {@link peerCommand}. */
export interface PeerCommandOptions {
  /** Run the Node peers from source (TypeScript stripped by Node, packages from their `dist`) instead of the bundle. */
  unbundled?: boolean;
  /** The built ToolHive peer (see toolhive-peer.ts). */
  toolhiveBinary?: string;
  /** Node flags of both Node peers; default: the service image's ({@link serviceNodeFlags}). */
  nodeFlags?: readonly string[];
}

/** The command that starts one peer. @throws Error when a bundle or the ToolHive binary is missing. */
export function peerCommand(kind: PeerKind, opts: PeerCommandOptions): PeerCommand {
  if (kind === 'toolhive') {
    if (opts.toolhiveBinary === undefined) throw new Error('the ToolHive peer is not built');
    return { command: opts.toolhiveBinary, args: [] };
  }
  const flags = opts.nodeFlags ?? serviceNodeFlags();
  if (opts.unbundled === true) {
    return { command: process.execPath, args: ['--expose-gc', ...flags, path.join(packageRoot, 'src', 'peers', `${kind}-peer.ts`)] };
  }
  const file = bundledPeer(kind);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm --filter @vmcp/bench build\` (or pass --unbundled)`);
  const cache = path.join(packageRoot, 'node_modules', '.cache', 'node-compile-cache');
  mkdirSync(cache, { recursive: true });
  return { command: process.execPath, args: ['--expose-gc', ...flags, file], env: { NODE_COMPILE_CACHE: cache } };
}
