/**
 * A URL syntax check with the leniency of Go's `net/url.Parse`, which upstream uses to vet an MCPServerEntry's
 * `remoteUrl`. It accepts what Go accepts (including `''`, relative references and opaque URLs) and rejects what Go
 * rejects: control characters, bad `%` escapes, a missing scheme before `:`, a colon in the first segment of a
 * scheme-less path, invalid userinfo, invalid host characters, a non-numeric port, an unclosed `[`.
 *
 * Returns undefined when the URL parses, else the reason (which quotes the offending part, never the whole URL).
 */
export function checkUrlSyntax(raw: string): string | undefined {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  // Go checks control characters in the part before the fragment only; the fragment fails its escape check instead.
  if (hasControlChar(main)) return 'invalid control character in URL';
  return checkMain(main) ?? checkEscapes(fragment, 'other');
}

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const isAlpha = (c: string): boolean => /^[A-Za-z]$/.test(c);
const isSchemeChar = (c: string): boolean => /^[A-Za-z0-9+\-.]$/.test(c);

/** `[scheme, rest]` or an error, as Go's getScheme. */
function splitScheme(raw: string): [string, string] | string {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (isAlpha(c)) continue;
    if (isSchemeChar(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') return i === 0 ? 'missing protocol scheme' : [raw.slice(0, i), raw.slice(i + 1)];
    return ['', raw];
  }
  return ['', raw];
}

function checkMain(raw: string): string | undefined {
  if (raw === '' || raw === '*') return undefined;
  const split = splitScheme(raw);
  if (typeof split === 'string') return split;
  const [scheme] = split;
  let rest = split[1];
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q); // the query is not validated by Go's Parse
  if (!rest.startsWith('/')) {
    if (scheme !== '') return undefined; // opaque URL, e.g. mailto:x
    const firstSegment = rest.split('/', 1)[0] ?? '';
    if (firstSegment.includes(':')) return 'first path segment in URL cannot contain colon';
  }
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    let path = '';
    if (slash >= 0) {
      path = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    return checkAuthority(authority) ?? checkEscapes(path, 'other');
  }
  return checkEscapes(rest, 'other');
}

function checkAuthority(authority: string): string | undefined {
  const at = authority.lastIndexOf('@');
  const hostError = checkHost(at < 0 ? authority : authority.slice(at + 1));
  if (hostError !== undefined || at < 0) return hostError;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return 'invalid userinfo';
  return checkEscapes(userinfo, 'other');
}

function validOptionalPort(colonPort: string): boolean {
  return colonPort === '' || /^:[0-9]*$/.test(colonPort);
}

function checkHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return "missing ']' in host";
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return `invalid port ${JSON.stringify(colonPort)} after host`;
    const zone = host.slice(0, close).indexOf('%25');
    if (zone >= 0) {
      return checkEscapes(host.slice(0, zone), 'host') ?? checkEscapes(host.slice(zone, close), 'zone') ?? checkEscapes(host.slice(close), 'host');
    }
    return checkEscapes(host, 'host');
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0) {
    const colonPort = host.slice(colon);
    if (!validOptionalPort(colonPort)) return `invalid port ${JSON.stringify(colonPort)} after host`;
  }
  return checkEscapes(host, 'host');
}

const isHex = (c: string): boolean => /^[0-9A-Fa-f]$/.test(c);
// ASCII characters Go allows unescaped in a host (besides letters and digits).
const HOST_SAFE = new Set("-_.~!$&'()*+,;=:[]<>\"");

function checkEscapes(s: string, mode: 'host' | 'zone' | 'other'): string | undefined {
  for (let i = 0; i < s.length; ) {
    const c = s.charAt(i);
    if (c === '%') {
      const escape = s.slice(i, i + 3);
      if (i + 2 >= s.length || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) return `invalid URL escape ${JSON.stringify(escape)}`;
      const value = Number.parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === 'host' && value < 0x80 && escape !== '%25') return `invalid URL escape ${JSON.stringify(escape)}`;
      if (mode === 'zone' && escape !== '%25' && value !== 0x20 && value < 0x80 && !isHostSafe(String.fromCharCode(value))) {
        return `invalid URL escape ${JSON.stringify(escape)}`;
      }
      i += 3;
      continue;
    }
    if (mode !== 'other' && c.charCodeAt(0) < 0x80 && !isHostSafe(c)) return `invalid character ${JSON.stringify(c)} in host name`;
    i++;
  }
  return undefined;
}

function isHostSafe(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c) || HOST_SAFE.has(c);
}
