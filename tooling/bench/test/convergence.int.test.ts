import { expect } from 'vitest';
import { itIntegration } from '@vmcp/envtest/vitest';
import { randomSeed } from '../src/convergence/rng.ts';
import { formatReport, runConvergence } from '../src/convergence/suite.ts';

// The bounded convergence run: 520 MCPServers (over the reflector's 500-object page, so the initial list and every
// relist paginate), then a seeded random sequence with faults, against a dedicated control plane. A new seed each run
// (VMCP_CONVERGENCE_SEED replays one); any divergence fails with the seed, the diff and the operation log.
itIntegration(
  'the registry converges to the oracle after every fault',
  async () => {
    const seed = process.env['VMCP_CONVERGENCE_SEED'] === undefined ? randomSeed() : Number(process.env['VMCP_CONVERGENCE_SEED']) >>> 0;
    const report = await runConvergence({
      seed,
      operations: 80,
      faults: 4,
      bulkServers: 520,
      log: (l) => process.stderr.write(`[convergence] ${l}\n`),
    });
    process.stdout.write(`${formatReport(report)}\n`);
    expect(report.checks.length).toBe(6);
    // The checks compare hundreds of backends and their exclusions, not a handful.
    for (const check of report.checks) expect(check.expectedBackends, check.label).toBeGreaterThan(400);
    expect(report.checks.every((c) => c.expectedExclusions > 40)).toBe(true);
    expect(report.divergences, formatReport(report)).toBe(0);
  },
  420_000,
);
