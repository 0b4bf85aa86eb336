/**
 * Readiness and liveness handlers gated on a watcher's cache sync, in three forms: `node:http`, connect-style
 * middleware (Express), and Web `Request → Response` (Hono and friends). No dependencies.
 * @packageDocumentation
 */
export type {
  CheckResult,
  HealthAnswer,
  LivenessBody,
  LivenessOptions,
  ReadinessBody,
  ReadinessOptions,
  ReadinessProgress,
  ReadinessSource,
} from './types.ts';
export { DEFAULT_READINESS_TIMEOUT_MS, evaluateLiveness, evaluateReadiness } from './evaluate.ts';
export { livenessHandler, readinessHandler, type NextFunction, type NodeHealthHandler } from './node.ts';
export { webLivenessHandler, webReadinessHandler, type WebHealthHandler } from './web.ts';
