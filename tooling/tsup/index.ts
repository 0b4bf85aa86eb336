import type { Options } from 'tsup';
import { escapeRegExp, leaveOut, sideEffectFree } from './bundle-plugins.ts';

// Re-exported so a package's tsup.config.ts can name the type of its default export without depending on tsup itself.
export type { Options };

/** One build for every published package: ESM only, declarations, Node 22+ syntax, siblings left external. */
export function libraryConfig(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node22',
    platform: 'node',
    tsconfig: 'tsconfig.build.json',
    // tsup 8's declaration step sets `baseUrl`, which TypeScript 6 deprecates; the build does not otherwise use it.
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    // No source maps: they would point at src/, which the tarballs do not ship (decided for the release; the
    // release rehearsal checks that every shipped map's sources are shipped too).
    sourcemap: false,
    clean: true,
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}

/**
 * A deployable entry bundled into ONE file with its dependencies inlined (the service, the bench's peers): Node then
 * resolves and compiles one module instead of ~900. `external` names what must stay out (development-only packages).
 *
 * The service imports `@kubernetes/client-node` for `KubeConfig` only. That package has no `"sideEffects": false`,
 * so esbuild kept every module its index re-exports and the dependencies they import (ws, tar-fs, the generated
 * API: 3.0 MB, 1.35 MB of it undici), and Node ran all of it at start. The bundle now treats client-node as free of
 * side effects and leaves undici out: client-node's `KubeConfig` needs undici only to build `fetch` dispatchers for
 * its generated API clients, which nothing here uses (our REST client is `KubeHttpClient` on `node:https`, and
 * `KubeConfig.applyToHTTPSOptions` builds `node:https` / proxy agents). Measured: the service bundle 3.6 MB → 0.75 MB,
 * the bench's peer 3.0 MB → 0.41 MB; after a 10,000-object sync, heap -3.4 MiB and RSS about -8 MiB.
 */
export function serviceBundleConfig(overrides: Options = {}): Options {
  const external = (overrides.external ?? []).filter((e): e is string => typeof e === 'string');
  return libraryConfig({
    dts: false,
    noExternal: [new RegExp(`^(?!${external.map(escapeRegExp).join('|') || '$^'})`)],
    // esbuild tree-shakes while bundling; tsup's extra Rollup pass took a minute on 4 MB for nothing measurable.
    treeshake: false,
    // Whitespace and syntax only: identifiers keep their names, so a stack trace still names its functions.
    minifyWhitespace: true,
    minifySyntax: true,
    esbuildPlugins: [
      sideEffectFree(['@kubernetes/client-node']),
      leaveOut({
        undici: {
          exports: ['Agent', 'ProxyAgent', 'fetch'],
          reason: "@kubernetes/client-node's fetch-based clients are not used; requests go through KubeHttpClient on node:https",
        },
      }),
    ],
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __vmcpCreateRequire } from 'node:module';\nconst require = __vmcpCreateRequire(import.meta.url);",
    },
    // Workspace packages from source, like every other build here.
    esbuildOptions(options) {
      options.conditions = ['@vmcp/source', 'node', 'import'];
    },
    ...overrides,
  });
}
