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
