import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/client/ndjson.ts';

describe('LineSplitter', () => {
  it('reassembles watch events split across chunks and skips blank lines', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('{"type":"ADD');
    s.push('ED"}\n\n{"type":"MODIFIED"}\n{"ty');
    expect(lines).toEqual(['{"type":"ADDED"}', '{"type":"MODIFIED"}']);
    expect(s.remainder).toBe('{"ty');
  });

  it('decodes a UTF-8 character split across two chunks', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = new TextEncoder().encode('{"name":"café"}\n');
    const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
    s.push(bytes.subarray(0, cut));
    s.push(bytes.subarray(cut));
    expect(lines).toEqual(['{"name":"café"}']);
  });

  it('emits a last line without a newline at the end, and nothing for a blank tail', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('{"a":1}\n{"b":2}');
    s.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    const blank = new LineSplitter((l) => lines.push(l));
    blank.push('  \n ');
    blank.end();
    expect(lines).toHaveLength(2);
  });
});
