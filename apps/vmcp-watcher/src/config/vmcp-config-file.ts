/** The group from upstream's vMCP config file (`--config`); a config that is not dynamic mode is refused. */
import { errorMessage } from '@vmcp/core';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './error.ts';

/** The file's `groupRef` (string, or the v1beta1 object form `{name}`), undefined when it has none. */
export function readVmcpConfigFile(setting: string, path: string, readFile: (path: string) => string | undefined): string | undefined {
  let text: string | undefined;
  try {
    text = readFile(path);
  } catch (error) {
    throw new ConfigError(setting, `cannot read ${path}: ${errorMessage(error)}`);
  }
  if (text === undefined) throw new ConfigError(setting, `file ${path} does not exist`);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    // The YAML parser's message points at the line; it does not echo values beyond a short excerpt.
    throw new ConfigError(setting, `${path} is not valid YAML/JSON: ${errorMessage(error).split('\n')[0] ?? ''}`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(setting, `${path} must hold a mapping`);
  const record = doc as Record<string, unknown>;
  const outgoing = record['outgoingAuth'];
  if (outgoing !== undefined && outgoing !== null) {
    const source = typeof outgoing === 'object' ? (outgoing as Record<string, unknown>)['source'] : undefined;
    if (source !== undefined && source !== 'discovered') {
      throw new ConfigError(
        `${setting} (${path}) outgoingAuth.source`,
        `is ${JSON.stringify(source)}; vmcp-watcher implements dynamic mode only, which needs "discovered" (inline backends need no watcher)`,
      );
    }
  }
  const groupRef = record['groupRef'];
  if (groupRef === undefined || groupRef === null || groupRef === '') return undefined;
  if (typeof groupRef === 'string') return groupRef;
  if (typeof groupRef === 'object' && typeof (groupRef as Record<string, unknown>)['name'] === 'string') {
    return (groupRef as Record<string, string>)['name'];
  }
  throw new ConfigError(`${setting} (${path}) groupRef`, 'must be a string (the MCPGroup name)');
}
