import type { DynamicRegistry } from '@vmcp/registry';
import type { ConfigWarningSource } from '../cluster/config-warnings.ts';
import type { ServiceWatcher } from '../cluster/service-watcher.ts';
import type { Logger } from '../observe/logger.ts';
import type { ServiceMetrics } from '../observe/metrics/index.ts';
import type { ChangeLog } from './change-log.ts';
import type { HttpLimits } from './limits.ts';
import type { PublicBackendWriter } from './public-json.ts';
import type { EventHub } from './sse/event-hub.ts';

/** What the HTTP routes read. One per service instance. */
export interface ServiceContext {
  registry: DynamicRegistry;
  /** Absent = static mode (readiness always ready). */
  watcher: ServiceWatcher | undefined;
  hub: EventHub;
  /** The recent registry changes, for `/api/v1/changes` and the page. */
  changes: ChangeLog;
  metrics: ServiceMetrics;
  warnings: ConfigWarningSource;
  logger: Logger;
  namespace: string;
  groupRef: string;
  /** The service's version string (upstream `/status` `version`). */
  version: string;
  readinessTimeoutMs: number;
  /** What one request may cost. */
  limits: HttpLimits;
  /** Serialises public backends under `limits.maxBackendBytes`: every route and stream writes backends through it. */
  publicJson: PublicBackendWriter;
}
