import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASKED_USERINFO, publicUrl, toPublicBackend, type Backend } from '../src/index.ts';
import { leakedFragments, plantedUrlArb } from '@vmcp/test-fixtures/hostile-urls';

describe('publicUrl', () => {
  it('shows a URL without "@" unchanged', () => {
    for (const url of ['https://mcp.example.com/mcp', 'http://10.0.0.1:8080/sse?x=1#y', 'not a url', '', 'https://host:99999']) {
      expect(publicUrl(url)).toBe(url);
    }
  });

  it('masks user and password when the authority holds every "@"', () => {
    expect(publicUrl('https://user:pw@host/mcp')).toBe(`https://${MASKED_USERINFO}@host/mcp`);
    expect(publicUrl('https://TOKEN@github.example.com/mcp')).toBe('https://***@github.example.com/mcp');
    expect(publicUrl('http://a@b:c@host:8080')).toBe('http://***@host:8080');
    // Whether or not a parser accepts it: port 99999, a space in the host.
    expect(publicUrl('https://u:pw@host:99999/mcp')).toBe('https://***@host:99999/mcp');
    expect(publicUrl('https://u:pw@bad host/mcp')).toBe('https://***@bad host/mcp');
  });

  it('hides the whole URL when an "@" could belong to userinfo under another reading', () => {
    // Parsers end the authority at "?", so "se" looks like a port and "cret@host" like a query.
    expect(publicUrl('https://user:se?cret@host/mcp')).toMatch(/^\[URL hidden: .*after the host part/);
    expect(publicUrl('https://us/er:pw@host')).toMatch(/^\[URL hidden: /);
    expect(publicUrl('https:///user:pw@host')).toMatch(/^\[URL hidden: /);
    // WHATWG reads these as https://user:pw@host/: no "//" is no excuse.
    expect(publicUrl('https:user:pw@host')).toMatch(/^\[URL hidden: .*no scheme/);
    expect(publicUrl('https:\\\\user:pw@host')).toMatch(/^\[URL hidden: /);
    expect(publicUrl(' https://user:pw@host')).toMatch(/^\[URL hidden: /);
    expect(publicUrl('user:pw@host')).toMatch(/^\[URL hidden: /);
    // An "@" in a path is ambiguous too (the author may have put a credential in the wrong place): hidden.
    expect(publicUrl('https://host/p@th')).toMatch(/^\[URL hidden: /);
  });

  it('never shows any fragment of a planted user or password (property)', () => {
    fc.assert(
      fc.property(plantedUrlArb, (planted) => {
        const shown = publicUrl(planted.url);
        expect(leakedFragments(shown, planted), `${JSON.stringify(planted.url)} → ${JSON.stringify(shown)}`).toEqual([]);
      }),
      { numRuns: 5000 },
    );
  });

  it('positive control: the generator does plant fragments that a naive display would show', () => {
    fc.assert(
      fc.property(plantedUrlArb, (planted) => leakedFragments(planted.url, planted).length === planted.fragments.length),
      { numRuns: 200 },
    );
  });

  it('toPublicBackend never shows a planted credential in any URL field (property)', () => {
    fc.assert(
      fc.property(plantedUrlArb, (planted) => {
        const backend: Backend = {
          id: 'b',
          name: 'b',
          baseUrl: planted.url,
          transportType: 'sse',
          healthStatus: 'healthy',
          metadata: { remote_url: planted.url },
          authConfig: { type: 'token_exchange', tokenExchange: { tokenUrl: planted.url } },
        };
        const shown = JSON.stringify(toPublicBackend(backend));
        expect(leakedFragments(shown, planted)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});
