import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { isPortFree } from '../src/internal/ports.ts';
import { describeIntegration, itIntegration } from '../src/vitest/index.ts';
import { killAndWait, running, startVictim } from './reaper-helpers.ts';

describeIntegration('reaper (with a real control plane)', () => {
  itIntegration(
    'a SIGKILLed runner leaves no etcd/kube-apiserver (restarted one included), no open port, no temp dir',
    async () => {
      const { child, info } = await startVictim('plane', 150_000);
      expect(info.pids).toHaveLength(2);
      for (const pid of [...info.pids, info.reaperPid]) expect(running(pid)).toBe(true);
      for (const port of info.ports!) expect(await isPortFree(port)).toBe(false);
      const ms = await killAndWait(child, info, 20_000);
      console.log(`[envtest] reaper cleaned up a control plane ${ms} ms after SIGKILL`);
      expect(ms).toBeLessThan(10_000);
      const leftovers = execFileSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(info.dir) && !/^\s*\d+\s+Z/.test(l));
      expect(leftovers).toEqual([]);
    },
    200_000,
  );
});
