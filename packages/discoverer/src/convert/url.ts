/**
 * A URL syntax check with the leniency of Go's `net/url.Parse`, which upstream uses to vet an MCPServerEntry's
 * `remoteUrl`. It accepts what Go accepts (including `''`, relative references and opaque URLs) and rejects what Go
 * rejects: control characters, bad `%` escapes, a missing scheme before `:`, a colon in the first segment of a
 * scheme-less path, invalid userinfo, invalid host characters, a non-numeric port, an unclosed `[`.
 *
 * Returns undefined when the URL parses, else the reason. Unlike Go's messages, a reason never quotes any part of
 * the URL: in `https://user:se?cret@host` the "port" Go would quote is part of the password.
 */
export function checkUrlSyntax(raw: string): string | undefined {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  // Go checks control characters in the part before the fragment only; the fragment fails its escape check instead.
  if (hasControlChar(main)) return 'invalid control character in URL';
  return checkMain(main) ?? checkEscapes(fragment, 'fragment');
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
    return checkAuthority(authority) ?? checkEscapes(path, 'path');
  }
  return checkEscapes(rest, 'path');
}

function checkAuthority(authority: string): string | undefined {
  const at = authority.lastIndexOf('@');
  const hostError = checkHost(at < 0 ? authority : authority.slice(at + 1));
  if (hostError !== undefined || at < 0) return hostError;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return 'invalid userinfo';
  return checkEscapes(userinfo, 'userinfo');
}

function validOptionalPort(colonPort: string): boolean {
  return colonPort === '' || /^:[0-9]*$/.test(colonPort);
}

function checkHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return "missing ']' in host";
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return 'invalid port after host';
    const zone = host.slice(0, close).indexOf('%25');
    if (zone >= 0) {
      return (
        checkEscapes(host.slice(0, zone), 'host') ??
        checkEscapes(host.slice(zone, close), 'zone') ??
        checkEscapes(host.slice(close), 'host')
      );
    }
    return checkEscapes(host, 'host');
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0) {
    const colonPort = host.slice(colon);
    if (!validOptionalPort(colonPort)) return 'invalid port after host';
  }
  return checkEscapes(host, 'host');
}

const isHex = (c: string): boolean => /^[0-9A-Fa-f]$/.test(c);
// ASCII characters Go allows unescaped in a host (besides letters and digits).
const HOST_SAFE = new Set('-_.~!$&\'()*+,;=:[]<>"');

type EscapeMode = 'host' | 'zone' | 'userinfo' | 'path' | 'fragment';
const PART: Record<EscapeMode, string> = { host: 'host', zone: 'IPv6 zone', userinfo: 'userinfo', path: 'path', fragment: 'fragment' };

function checkEscapes(s: string, mode: EscapeMode): string | undefined {
  for (let i = 0; i < s.length;) {
    const c = s.charAt(i);
    if (c === '%') {
      const escape = s.slice(i, i + 3);
      if (i + 2 >= s.length || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) return `invalid URL escape in ${PART[mode]}`;
      const value = Number.parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === 'host' && value < 0x80 && escape !== '%25') return `invalid URL escape in ${PART[mode]}`;
      if (mode === 'zone' && escape !== '%25' && value !== 0x20 && value < 0x80 && !isHostSafe(String.fromCharCode(value))) {
        return `invalid URL escape in ${PART[mode]}`;
      }
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && !isHostSafe(c)) return 'invalid character in host name';
    i++;
  }
  return undefined;
}

function isHostSafe(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c) || HOST_SAFE.has(c);
}

/** The schemes a backend may use: a gateway can reach nothing else. */
const BACKEND_SCHEME = /^https?:\/\//i;
/**
 * Tabs and newlines are removed silently by WHATWG parsers, spaces and controls rejected by some and not others: a
 * URL holding any of them means different things to different readers. Zero-width characters hide in plain sight.
 */
function hasWhitespaceOrControl(s: string): boolean {
  if (/[\s\u200b-\u200f\ufeff]/u.test(s)) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/**
 * Whether `raw` is a URL a gateway can use as a backend address. Stricter than upstream, on purpose (upstream
 * serves `javascript:`, `file:` or port 99999 as a healthy backend): it must be `http://` or `https://` followed by
 * a host both Go's `url.Parse` and a WHATWG parser accept, an optional port from 1 to 65535, and no `@` after the host part. Whitespace,
 * control characters and `\` are refused, because parsers disagree on what they mean.
 *
 * Returns undefined when usable, else the problem. Like {@link checkUrlSyntax}, it never quotes the URL.
 */
export function checkBackendUrl(raw: string): string | undefined {
  if (hasWhitespaceOrControl(raw)) return 'it contains whitespace or a control character';
  if (raw.includes('\\')) return 'it contains a backslash';
  const scheme = BACKEND_SCHEME.exec(raw);
  if (scheme === null) return 'it must start with http:// or https://';
  const rest = raw.slice(scheme[0].length);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  if (end >= 0 && rest.slice(end).includes('@')) return 'it has an "@" after the host part (a misplaced credential?)';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const port = /:([^:\]]*)$/.exec(hostPort)?.[1];
  if (port !== undefined && port !== '' && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return 'its port must be a number from 1 to 65535';
  }
  const hostname = port === undefined ? hostPort : hostPort.slice(0, hostPort.length - port.length - 1);
  if (hostname === '') return 'it has no host';
  // Both readers must accept it: Go's (what upstream checks) and WHATWG's (what a Node gateway's fetch uses).
  return checkUrlSyntax(raw) ?? (URL.canParse(raw) ? undefined : 'its host is not valid');
}
