export {
  resolveToolHiveVersions,
  ToolHiveKindNotServedError,
  TOOLHIVE_CRDS_HINT,
  TOOLHIVE_READABLE_VERSIONS,
  type ResolvedToolHiveVersions,
} from './toolhive-versions.ts';
