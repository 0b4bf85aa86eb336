/** The `--help` text, generated from the settings table. */
import { SETTINGS, type Setting } from './settings.ts';

const NAME_WIDTH = 34;

/** `  --flag ARG   help (accepted form; default X) [ENV]`. */
function line(s: Setting<unknown>): string {
  const name = `${s.short !== undefined ? `-${s.short}, ` : ''}--${s.flag}${s.arg !== undefined ? ` ${s.arg}` : ''}`;
  const shownDefault = s.default ?? s.defaultText;
  const notes = [
    ...(s.parser.accepts !== '' ? [s.parser.accepts] : []),
    ...(shownDefault !== undefined ? [`default ${shownDefault}`] : []),
  ];
  const help = `${s.help}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}${s.env !== undefined ? ` [${s.env}]` : ''}`;
  return `  ${name.padEnd(NAME_WIDTH)} ${help}`;
}

/** The usage text `--help` prints. */
export const USAGE = `Usage: vmcp-watcher [flags]

Watches ToolHive resources in one namespace and serves a live registry of the MCP backends of one group.

Flags (environment variable in brackets; flags win over the environment, which wins over the config file):
${Object.values(SETTINGS).map(line).join('\n')}

With no cluster configured the service stops; run it in a pod (the Helm chart), or give it a kubeconfig.
`;
