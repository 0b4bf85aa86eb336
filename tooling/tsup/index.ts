import type { Options } from 'tsup';

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
 * resolves and compiles one module instead of ~900, most of them @kubernetes/client-node's generated API, which
 * esbuild's tree-shaking drops. `external` names what must stay out (development-only packages).
 */
export function serviceBundleConfig(overrides: Options = {}): Options {
  const external = (overrides.external ?? []).filter((e): e is string => typeof e === 'string');
  return libraryConfig({
    dts: false,
    noExternal: [new RegExp(`^(?!${external.map((e) => e.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|') || '$^'})`)],
    // esbuild tree-shakes while bundling; tsup's extra Rollup pass took a minute on 4 MB for nothing measurable.
    treeshake: false,
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
