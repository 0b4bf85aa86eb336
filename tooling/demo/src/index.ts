/**
 * `@vmcp/demo` (private): the local demo of vmcp-watcher, and the example-loading helpers integration tests share
 * with it. The entry point is `src/main.ts` (run by `bash scripts/start.sh` when no cluster is configured).
 * @packageDocumentation
 */
export { applyExamples, applyObject, ensureNamespace, readManifests, type ManifestObject } from './examples.ts';
export { DEMO_DEFAULTS, DemoArgumentError, demoTarget, flagValue, serviceArgs } from './service-args.ts';
export { demoSteps, type DemoStep } from './steps.ts';
