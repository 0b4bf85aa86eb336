import { readFileSync } from 'node:fs';

/** Replaced by the build (tsup `define`) with the `version` of this package's package.json. */
declare const __VMCP_WATCHER_VERSION__: string | undefined;

/** Run from source (tests, `node src/cli.ts`) nothing was replaced: read the same package.json. */
function versionFromPackageJson(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('vmcp-watcher package.json has no "version"');
  return manifest.version;
}

/** The service's version: `--version`, `/status` `version`, the `vmcp_build_info` label and the image label. */
export const SERVICE_VERSION: string = typeof __VMCP_WATCHER_VERSION__ === 'string' ? __VMCP_WATCHER_VERSION__ : versionFromPackageJson();
