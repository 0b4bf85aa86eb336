import { packageProject } from '@vmcp/vitest-config';

// The integration tests start their own control plane (the convergence suite kills and pauses it, so it cannot be
// shared): run the files one at a time so at most one of ours is up, and give them the time a 2-core box needs.
export default packageProject(import.meta.dirname, {
  test: { fileParallelism: false, testTimeout: 240_000, hookTimeout: 120_000 },
});
