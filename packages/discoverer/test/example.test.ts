import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('examples/quick-start.ts (the README example)', () => {
  it('runs, prints the backend without its secret, and maps the Secret to the backend', () => {
    const out = execFileSync(process.execPath, ['--conditions=@vmcp/source', 'examples/quick-start.ts'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    expect(out).toContain('"transportType": "sse"');
    expect(out).toContain('"tokenExchange.clientSecret"');
    expect(out).toContain("affected by Secret sts: [ 'fetch' ]");
    expect(out).not.toContain('change-me');
  });
});
