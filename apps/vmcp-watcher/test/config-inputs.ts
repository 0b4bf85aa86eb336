/** Calls of `loadConfig` as the config tests make them: a fixed home, files from a map, the outcome unwrapped. */
import { ConfigError } from '../src/config/error.ts';
import { loadConfig, type Config, type ConfigInputs } from '../src/config/load.ts';

export const HOME = '/home/u';
export const KUBE = `${HOME}/.kube/config`;

export function inputs(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): ConfigInputs {
  return { argv, env, homeDir: HOME, readFile: (path) => files[path] };
}

/** The configuration `argv` runs with; throws when it would not run (help, version, …). */
export function run(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = { [KUBE]: 'x' }): Config {
  const result = loadConfig(inputs(argv, env, files));
  if (result.action !== 'run') throw new Error(`expected run, got ${result.action}`);
  return result.config;
}

/** The `ConfigError` `argv` is refused with; throws when it is accepted or fails otherwise. */
export function failure(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = { [KUBE]: 'x' }): ConfigError {
  try {
    loadConfig(inputs(argv, env, files));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
