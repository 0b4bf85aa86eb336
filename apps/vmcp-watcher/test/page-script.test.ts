import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_MODULE, generatedModule } from '../scripts/generate-page-script.ts';
import { STATUS_PAGE_SCRIPT } from '../src/http/page/script.generated.ts';
import { renderStatusPage } from '../src/http/page/render.ts';

describe('the status page script', () => {
  it('is the current compile of src/http/page/client.ts (run `pnpm --filter vmcp-watcher generate:page` if not)', () => {
    expect(readFileSync(GENERATED_MODULE, 'utf8')).toBe(generatedModule());
  });

  it('is inlined once, as a module with the nonce, and cannot end the script element early', () => {
    const html = renderStatusPage({ groupRef: 'g', namespace: 'ns', version: '1' }, 'NONCE');
    expect(html).toContain(`<script type="module" nonce="NONCE">${STATUS_PAGE_SCRIPT}</script>`);
    expect(STATUS_PAGE_SCRIPT).not.toMatch(/<\/script|<!--/i);
    // Compiled: no type annotation survives.
    expect(STATUS_PAGE_SCRIPT).not.toContain('interface ShownBackend');
    expect(STATUS_PAGE_SCRIPT).toContain("new EventSource('api/v1/events?reset=version')");
  });
});
