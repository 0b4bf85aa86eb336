export { resolveToolHiveVersions, ToolHiveKindNotServedError, type ResolvedToolHiveVersions } from './toolhive-versions.ts';
