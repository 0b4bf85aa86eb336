/**
 * How each peer is started. The Node peers (ours, bare) run as the service ships: one bundled file (the bench's
 * build, `dist/peers/*.js`) with Node's compile cache; without a build they run from source against the packages'
 * built `dist` (what `--unbundled` measures on purpose: the "before" of the bundle).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PeerCommand, PeerKind } from './process.ts';

const packageRoot = path.resolve(import.meta.dirname, '../..');

/** Where the bundled peers are written by `pnpm --filter @vmcp/bench build`. */
export function bundledPeer(kind: 'ours' | 'bare'): string {
  return path.join(packageRoot, 'dist', 'peers', `${kind}-peer.js`);
}

/** Options of {@link peerCommand}. */
export interface PeerCommandOptions {
  /** Run the Node peers from source (TypeScript stripped by Node, packages from their `dist`) instead of the bundle. */
  unbundled?: boolean;
  /** The built ToolHive peer (see toolhive-peer.ts). */
  toolhiveBinary?: string;
}

/** The command that starts one peer. @throws Error when a bundle or the ToolHive binary is missing. */
export function peerCommand(kind: PeerKind, opts: PeerCommandOptions): PeerCommand {
  if (kind === 'toolhive') {
    if (opts.toolhiveBinary === undefined) throw new Error('the ToolHive peer is not built');
    return { command: opts.toolhiveBinary, args: [] };
  }
  if (opts.unbundled === true) {
    return { command: process.execPath, args: ['--expose-gc', path.join(packageRoot, 'src', 'peers', `${kind}-peer.ts`)] };
  }
  const file = bundledPeer(kind);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm --filter @vmcp/bench build\` (or pass --unbundled)`);
  const cache = path.join(packageRoot, 'node_modules', '.cache', 'node-compile-cache');
  mkdirSync(cache, { recursive: true });
  return { command: process.execPath, args: ['--expose-gc', file], env: { NODE_COMPILE_CACHE: cache } };
}
