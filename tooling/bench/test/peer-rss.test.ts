import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PeerProcess } from '../src/peers/process.ts';
import { peerStartOnce } from '../src/phases/peers.ts';
import { SETTLE_MS } from '../src/phases/service-start.ts';

const MiB = 1048576;

/**
 * A stand-in for the Go peer (a Node script, so the test needs no Go build): complete at once, 64 MiB more resident
 * 1 s later, and on `mem` another 128 MiB before it answers, with the time since complete as its "heap". So the
 * harness's own reading shows when it was taken: not at complete (no 64 MiB yet), not after `mem` (192 MiB).
 */
const FAKE_PEER = `#!${process.execPath}
const out = (e) => process.stdout.write(JSON.stringify(e) + '\\n');
const now = () => performance.timeOrigin + performance.now();
const completeAt = now();
out({ ev: 'watcherStart', at: completeAt - 1 });
out({ ev: 'synced', at: completeAt });
out({ ev: 'complete', at: completeAt, count: 1 });
const held = [];
setTimeout(() => held.push(Buffer.alloc(${64 * MiB}, 1)), 1000);
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'mem') {
    const since = now() - completeAt;
    held.push(Buffer.alloc(${128 * MiB}, 1));
    out({ ev: 'mem', rss: process.memoryUsage().rss, heap: since });
  } else if (line.trim() === 'quit') process.exit(0);
}).on('close', () => process.exit(0));
`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-peer-rss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The readings come from /proc, as in the bench (Linux only).
describe.skipIf(process.platform !== 'linux')("ToolHive's RSS without a forced GC", () => {
  it(`is read from /proc ${SETTLE_MS} ms after complete, before the mem command`, async () => {
    const binary = path.join(dir, 'fake-toolhive-peer.cjs');
    writeFileSync(binary, FAKE_PEER);
    chmodSync(binary, 0o755);
    const s = await peerStartOnce({ cp: { kubeconfigPath: '/dev/null' } }, 'toolhive', 'ns', 1, 10_000, { toolhiveBinary: binary });
    const settled = s.rssSettled ?? 0;
    expect(s.heap).toBeGreaterThanOrEqual(SETTLE_MS - 50); // mem was sent only after the settle
    expect(settled).toBeGreaterThan(64 * MiB); // taken after the 1 s allocation, not at complete
    expect(settled).toBeLessThan(s.rss - 64 * MiB); // and before mem's 128 MiB
  });
  it('is unreadable once the peer has exited, rather than a stale or foreign figure', async () => {
    // `--`: the protocol's flags that follow are the script's, not Node's.
    const peer = new PeerProcess(
      'toolhive',
      { command: process.execPath, args: ['-e', 'process.stdin.resume()', '--'] },
      {
        kubeconfig: '/dev/null',
        namespace: 'ns',
        group: 'g',
        expect: 0,
        seqKey: '',
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(peer.rss()).toBeGreaterThan(0);
    await peer.stop();
    expect(peer.rss()).toBeNull();
  });
});
