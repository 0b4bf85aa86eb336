import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This module sits directly in src/, and the build bundles it into dist/index.js: in both cases the package root is
// one level up, so the same relative URL finds the shipped folders from source and from the published build.

/** Absolute path of the folder holding the CRD manifests (one YAML file per kind), with a trailing separator. */
export const crdDirectory: string = fileURLToPath(new URL('../crds/', import.meta.url));

/** Absolute path of the folder holding the example resources (`kubectl apply -f`-able YAML), with a trailing separator. */
export const examplesDirectory: string = fileURLToPath(new URL('../examples/', import.meta.url));

function yamlFilesIn(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .map((name) => path.join(directory, name));
}

/**
 * Absolute paths of the CRD manifests, sorted by file name. Throws the `fs` error (ENOENT naming the folder) if the
 * package was installed without its `crds` folder.
 */
export function crdFiles(): string[] {
  return yamlFilesIn(crdDirectory);
}

/**
 * Absolute paths of the example resource files, sorted by file name, which is also a valid apply order
 * (groups, Secrets and ConfigMaps, auth configs, then workloads).
 */
export function exampleFiles(): string[] {
  return yamlFilesIn(examplesDirectory);
}

/**
 * Absolute path of the JSON file that says which backends a watcher of group `engineering` must serve from the
 * examples, which it must exclude and why, and the planted secret values that must never leak.
 */
export const expectedEngineeringBackendsFile: string = path.join(examplesDirectory, 'expected', 'engineering-backends.json');
