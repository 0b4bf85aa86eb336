/**
 * The value parsers of the settings table. Each names the form it accepts (shown in `--help`) and turns the raw text
 * into the typed value, or throws a {@link ConfigError} that names the setting and the accepted form.
 */
import { errorMessage } from '@vmcp/core';
import { isValidObjectName, parseGroupRef, validateNamespace } from '@vmcp/reconciler';
import { ConfigError, type Sourced } from './error.ts';

/** Turns a setting's text into its value. */
export interface Parser<T> {
  /** The accepted form, for the usage text (`1..64`, `json | text`); empty when the help says it. */
  readonly accepts: string;
  parse(value: Sourced<string>): T;
}

/** A host (undefined = all interfaces) and a port (0 = any free port). */
export interface ListenAddress {
  host: string | undefined;
  port: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** `json`: one JSON object per line (for log pipelines). `text`: `time level msg key=value…`, for people. */
export type LogFormat = 'json' | 'text';

/** The text as given. */
export const text: Parser<string> = { accepts: '', parse: (value) => value.value };

/** `:8080`, `8080`, `0.0.0.0:8080`, `[::1]:8080`, `localhost:0`. */
export function parseListen(value: Sourced<string>): ListenAddress {
  const raw = value.value.trim();
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(raw);
  const port = match?.[2] === undefined ? NaN : Number(match[2]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(value.setting, `"${value.value}" is not a listen address ([host]:port, port 0..65535)`);
  }
  const rawHost = match[1];
  const host = rawHost === undefined || rawHost === '' ? undefined : rawHost.replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/** A listen address. */
export const listenAddress: Parser<ListenAddress> = { accepts: '[host]:port', parse: parseListen };

/** controller-runtime's bind-address form: an address, or `0` for "no listener". */
export const optionalListenAddress: Parser<ListenAddress | undefined> = {
  accepts: '[host]:port, 0 = off',
  parse: (value) => (value.value.trim() === '0' ? undefined : parseListen(value)),
};

/** `true`/`false` (also `1`/`0`, `yes`/`no`), as an environment variable gives a boolean flag. */
export const booleanText: Parser<boolean> = {
  accepts: '',
  parse: (value) => {
    const v = value.value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    throw new ConfigError(value.setting, `"${value.value}" is not a boolean (true or false)`);
  },
};

/** A comma-separated list of non-empty names, e.g. token audiences. */
export const nameList: Parser<string[]> = {
  accepts: 'a,b,…',
  parse: (value) => {
    const names = value.value.split(',').map((n) => n.trim());
    if (names.some((n) => n === '' || /\s/.test(n)))
      throw new ConfigError(value.setting, `"${value.value}" is not a comma-separated list of names`);
    return [...new Set(names)];
  },
};

/** A whole number in `min..max`. */
export function integerIn(min: number, max: number): Parser<number> {
  return {
    accepts: `${min}..${max}`,
    parse: (value) => {
      if (!/^\d+$/.test(value.value.trim())) throw new ConfigError(value.setting, `"${value.value}" is not a whole number`);
      const n = Number(value.value.trim());
      if (n < min || n > max) throw new ConfigError(value.setting, `${n} is out of range (${min}..${max})`);
      return n;
    },
  };
}

/** One of `choices`, case-insensitive; `what` names the kind of value in the error. */
export function oneOf<T extends string>(choices: readonly T[], what: string): Parser<T> {
  return {
    accepts: choices.join(' | '),
    parse: (value) => {
      const lower = value.value.toLowerCase();
      if (!(choices as readonly string[]).includes(lower)) {
        throw new ConfigError(value.setting, `"${value.value}" is not a ${what} (${choices.join(', ')})`);
      }
      return lower as T;
    },
  };
}

// The one validator of the watched namespace and the group reference is the reconciler's (the watcher applies the
// same rules when it starts); here its message is wrapped so it names the setting the value came from.

/** A Kubernetes namespace name. */
export function checkNamespace(value: Sourced<string>): string {
  try {
    validateNamespace(value.value);
  } catch (error) {
    throw new ConfigError(value.setting, errorMessage(error));
  }
  return value.value;
}

/** `name` or `namespace/name`, the namespace part equal to the watched one. */
export function checkGroupRef(value: Sourced<string>, namespace: string): string {
  try {
    parseGroupRef(value.value, namespace);
  } catch (error) {
    throw new ConfigError(value.setting, errorMessage(error));
  }
  return value.value;
}

/** A Kubernetes object name (DNS-1123 subdomain); `what` names the object in the error. */
export function checkObjectName(value: Sourced<string>, what: string): string {
  if (!isValidObjectName(value.value)) {
    throw new ConfigError(
      value.setting,
      `${what} "${value.value}" is not a valid Kubernetes object name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)`,
    );
  }
  return value.value;
}
