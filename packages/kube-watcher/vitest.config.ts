import { packageProject } from '@vmcp/vitest-config';

// Integration tests (*.int.test.ts) wait on a real API server: give them room; unit tests finish in ms anyway.
export default packageProject(import.meta.dirname, { test: { testTimeout: 30_000, hookTimeout: 180_000 } });
