import { packageProject } from '@vmcp/vitest-config';

// The turbo dry runs take a second or two each on an idle machine; leave room for a busy one.
export default packageProject(import.meta.dirname, { test: { testTimeout: 120_000 } });
