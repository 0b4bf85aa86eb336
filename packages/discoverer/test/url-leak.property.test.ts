import fc from 'fast-check';
import { toPublicBackend } from '@vmcp/registry';
import { describe, expect, it } from 'vitest';
import { entry, proxy, server } from './fixtures.ts';
import { harness } from './harness.ts';
import { leakedFragments, plantedUrlArb, type PlantedUrl } from '@vmcp/test-fixtures/hostile-urls';

const READY = { phase: 'Ready' };

/** The three places a URL enters the discoverer, each with a planted URL. */
const placements = [
  { field: 'MCPServer status.url', object: (url: string) => server('s', {}, { ...READY, url }), kind: 'MCPServer' as const, name: 's' },
  {
    field: 'MCPRemoteProxy status.url',
    object: (url: string) => proxy('p', {}, { ...READY, url }),
    kind: 'MCPRemoteProxy' as const,
    name: 'p',
  },
  {
    field: 'MCPRemoteProxy spec.remoteUrl',
    object: (url: string) => proxy('p', { remoteUrl: url }, { ...READY, url: 'http://proxy:8080' }),
    kind: 'MCPRemoteProxy' as const,
    name: 'p',
  },
  {
    field: 'MCPServerEntry spec.remoteUrl',
    object: (url: string) => entry('e', { remoteUrl: url }),
    kind: 'MCPServerEntry' as const,
    name: 'e',
  },
];

async function outputsFor(placement: (typeof placements)[number], url: string): Promise<{ served: boolean; text: string }> {
  const h = harness();
  h.put(placement.object(url));
  const resolution = await h.discoverer.resolveWorkload({ name: placement.name, type: placement.kind });
  // Everything a person or process can see: the reason, the public backend, every log line.
  const visible = {
    reason: resolution.reason,
    backend: resolution.backend === null ? null : toPublicBackend(resolution.backend),
    logs: h.logs,
  };
  return { served: resolution.backend !== null, text: JSON.stringify(visible) };
}

describe('a credential planted in a URL never reaches a reason, a log line or a public backend', () => {
  for (const placement of placements) {
    it(`${placement.field} (property)`, async () => {
      await fc.assert(
        fc.asyncProperty(plantedUrlArb, async (planted: PlantedUrl) => {
          const { text } = await outputsFor(placement, planted.url);
          expect(leakedFragments(text, planted), `${JSON.stringify(planted.url)} → ${text}`).toEqual([]);
        }),
        { numRuns: 400 },
      );
    });
  }

  it('positive control: a served URL with a credential is served (the gateway needs it), but shown masked', async () => {
    for (const placement of placements) {
      const { served, text } = await outputsFor(placement, 'https://USER0TOKEN:PW0SECRET@mcp.example.com/mcp');
      expect(served, placement.field).toBe(true);
      expect(text).toContain('***@mcp.example.com');
      expect(text).not.toContain('PW0SECRET');
    }
  });

  it.each([
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['data:text/html,<script>x</script>'],
    ['https://h:99999/mcp'],
    ['https://bad host/mcp'],
    ['https://h:70000/mcp'],
  ])('%j is excluded as invalid-url in every place', async (url) => {
    for (const placement of placements) {
      const h = harness();
      h.put(placement.object(url));
      const r = await h.discoverer.resolveWorkload({ name: placement.name, type: placement.kind });
      expect(r.reason?.code, placement.field).toBe('invalid-url');
      expect(r.reason?.message).not.toContain(url);
    }
  });
});
