/**
 * The Go programs the chart and release tests use, each built from the Go module proxy (`go install pkg@version`)
 * into @vmcp/envtest's version-keyed cache by `test/ensure-go-tool.ts` (one test command step per tool).
 */
import { existsSync } from 'node:fs';
import { goToolPath, type GoTool } from '@vmcp/envtest';
import { HELM } from './helm.ts';

const PROMETHEUS_VERSION = 'v0.316.0'; // the Go module version of Prometheus 3.16.0
const REGISTRY_VERSION = 'v3.1.2';
const ACTIONLINT_VERSION = 'v1.7.12';

/** `promtool check rules` / `promtool test rules` for the chart's PrometheusRule. */
export const PROMTOOL: GoTool = {
  name: 'promtool',
  version: PROMETHEUS_VERSION,
  pkg: 'github.com/prometheus/prometheus/cmd/promtool',
  ldflags: `-X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION}`,
  // Rule checks and rule unit tests need no service discovery; without the cloud providers' SDKs the first build
  // takes minutes instead of most of an hour on 2 cores.
  tags: 'remove_all_sd',
  versionArgs: ['--version'],
  expectVersion: `promtool, version ${PROMETHEUS_VERSION}`,
  estimate: 'a few minutes',
};

/** The CNCF distribution registry: the release rehearsal's local OCI registry (image and chart). */
export const REGISTRY: GoTool = {
  name: 'registry',
  version: REGISTRY_VERSION,
  pkg: 'github.com/distribution/distribution/v3/cmd/registry',
  ldflags: `-X github.com/distribution/distribution/v3/version.version=${REGISTRY_VERSION}`,
  versionArgs: ['--version'],
  expectVersion: REGISTRY_VERSION,
  estimate: 'about 2 min',
};

/** Lints .github/workflows (the release workflow cannot run here; this is what checks it). */
export const ACTIONLINT: GoTool = {
  name: 'actionlint',
  version: ACTIONLINT_VERSION,
  pkg: 'github.com/rhysd/actionlint/cmd/actionlint',
  versionArgs: ['-version'],
  expectVersion: ACTIONLINT_VERSION,
  estimate: 'under a minute',
};

export const GO_TOOLS: Record<string, GoTool> = { helm: HELM, promtool: PROMTOOL, registry: REGISTRY, actionlint: ACTIONLINT };

/** The cached binary of `tool`, or undefined when it was not built (no Go here). */
export function findGoTool(tool: GoTool): string | undefined {
  const file = goToolPath(tool);
  return existsSync(file) ? file : undefined;
}
