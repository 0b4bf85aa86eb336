/**
 * Generated URLs with a credential planted in their userinfo, the way a careless or hostile manifest writes them:
 * every reserved character inside the userinfo, bad ports, spaces, unicode, missing or doubled slashes.
 */
import fc from 'fast-check';

/** A URL and the credential fragments planted in it: none of them may appear in any output. */
export interface PlantedUrl {
  url: string;
  /** Each alphanumeric run of the planted user and password: the smallest thing that must never leak. */
  fragments: string[];
}

// Markers are upper-case + digits and start with "PW"/"US"; hosts and paths use lower case only, so a marker
// cannot appear in the output by coincidence.
const marker = (prefix: string): fc.Arbitrary<string> => fc.stringMatching(/^[A-Z0-9]{5,8}$/).map((s) => `${prefix}${s}`);
const RESERVED = [
  ':',
  '/',
  '?',
  '#',
  '[',
  ']',
  '@',
  '!',
  '$',
  '&',
  "'",
  '(',
  ')',
  '*',
  '+',
  ',',
  ';',
  '=',
  '%',
  '%40',
  '%3A',
  ' ',
  '\\',
  '\t',
  'é',
  '＠',
  '\u200b',
  '..',
];
const separator = fc.constantFrom(...RESERVED, '', '-', '_', '.', '~');

/** A user or password: markers joined by reserved characters (so parsers split it in every possible place). */
const credential = (prefix: string): fc.Arbitrary<{ text: string; fragments: string[] }> =>
  fc.array(fc.tuple(marker(prefix), separator), { minLength: 1, maxLength: 4 }).map((parts) => ({
    text: parts.map(([m, s]) => m + s).join(''),
    fragments: parts.map(([m]) => m),
  }));

const scheme = fc.constantFrom(
  'https://',
  'http://',
  'HTTPS://',
  'https:',
  'https:/',
  'https:///',
  'https:\\\\',
  'ftp://',
  'javascript://',
  ' https://',
  '',
);
const host = fc.constantFrom('host', 'mcp.example.com', '10.0.0.1', '[::1]', 'bad host', 'hös t', 'xn--bcher-kva.example', '');
const port = fc.constantFrom('', ':443', ':0', ':99999', ':70000', ':-1', ':8o80', ':', ':65535');
const path = fc.constantFrom('', '/', '/mcp', '/a b', '/mcp?x=1', '#frag', '/p@th', '?q=@', '/ü');

/** `scheme user[:password]@host port path`, with the user/password fragments to search for. */
export const plantedUrlArb: fc.Arbitrary<PlantedUrl> = fc
  .record({ scheme, user: credential('US'), password: fc.option(credential('PW'), { nil: undefined }), host, port, path })
  .map(({ scheme: s, user, password, host: h, port: p, path: pa }) => ({
    url: `${s}${user.text}${password === undefined ? '' : `:${password.text}`}@${h}${p}${pa}`,
    fragments: [...user.fragments, ...(password?.fragments ?? [])],
  }));

/** The fragments of `planted` that `output` contains (empty = nothing leaked). */
export function leakedFragments(output: string, planted: PlantedUrl): string[] {
  return planted.fragments.filter((f) => output.includes(f));
}
