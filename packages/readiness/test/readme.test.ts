import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as published from '@vmcp/readiness';
import * as source from '../src/index.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README examples', () => {
  it.each(['express-app.ts', 'hono-app.ts'])('shows test/examples/%s verbatim', (file) => {
    const code = readFileSync(new URL(`./examples/${file}`, import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${code}\`\`\`\n`);
  });

  it("imports '@vmcp/readiness' as the package's own source, not a stale dist", () => {
    expect(published.readinessHandler).toBe(source.readinessHandler);
    expect(published.webReadinessHandler).toBe(source.webReadinessHandler);
  });
});
