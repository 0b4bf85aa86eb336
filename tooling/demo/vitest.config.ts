import { packageProject } from '@vmcp/vitest-config';

// The integration test starts a control plane and the service: give it the time a busy 2-core box needs.
export default packageProject(import.meta.dirname, { test: { testTimeout: 120_000, hookTimeout: 180_000 } });
