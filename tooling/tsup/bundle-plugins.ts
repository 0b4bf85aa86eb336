/**
 * esbuild plugins of the service bundle (see `serviceBundleConfig` in ./index.ts). Both exist for the same reason:
 * `@kubernetes/client-node` is imported for `KubeConfig` alone, and without them the bundle carries (and Node
 * compiles and runs at start) most of the package's dependency tree.
 */
import type { Options } from 'tsup';

/** esbuild's plugin type, as tsup takes it (esbuild is tsup's dependency, not ours). */
type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Treats every module of the named packages as free of side effects, as if their package.json said
 * `"sideEffects": false`: a module nothing imports a binding from is dropped together with its own imports.
 * Only for packages whose modules declare classes and functions and do nothing else when loaded.
 */
export function sideEffectFree(packages: readonly string[]): Plugin {
  const inside = (file: string): boolean => packages.some((p) => file.includes(`/node_modules/${p}/`));
  return {
    name: 'vmcp-side-effect-free',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'vmcp-side-effect-free') return undefined;
        if (!packages.includes(args.path) && !inside(args.importer)) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'vmcp-side-effect-free',
        });
        if (resolved.errors.length > 0 || !inside(resolved.path)) return undefined;
        return { ...resolved, sideEffects: false };
      });
    },
  };
}

/** `text` as a regular expression that matches exactly it. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A package left out of a bundle: the names importers take from it, and why no code path of the bundle runs them. */
export interface LeftOutPackage {
  exports: readonly string[];
  reason: string;
}

/**
 * Replaces each named package by a module whose exports throw `Error("<package> is not in this build: <reason>")`
 * when called or constructed. A new import of a name not listed fails the build, so a dependency update cannot
 * start using a left-out package unnoticed at build time; a call at run time fails with that message.
 */
export function leaveOut(packages: Readonly<Record<string, LeftOutPackage>>): Plugin {
  const names = Object.keys(packages);
  const filter = new RegExp(`^(${names.map(escapeRegExp).join('|')})$`);
  return {
    name: 'vmcp-leave-out',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'vmcp-left-out' }));
      build.onLoad({ filter: /.*/, namespace: 'vmcp-left-out' }, (args) => {
        const left = packages[args.path];
        if (left === undefined) return undefined;
        const message = JSON.stringify(`${args.path} is not in this build: ${left.reason}`);
        const lines = [`function leftOut() { throw new Error(${message}); }`];
        for (const name of left.exports) lines.push(`export const ${name} = function () { leftOut(); };`);
        return { contents: lines.join('\n'), loader: 'js' };
      });
    },
  };
}
