/**
 * Variants of the service's start-up: Node flags and environment the service is started with, compared A/B in one
 * run (`pnpm --filter @vmcp/bench run bench:service`). How the image's flags were chosen (docs/benchmarks.md).
 */

/** One way of starting the service. */
export interface ServiceVariant {
  label: string;
  nodeFlags: string[];
  env: Record<string, string>;
}

/**
 * Parses `label::node flags::ENV=v ENV2=w` (flags and env space-separated, either may be empty; `image` as the flags
 * means the image's own, `imageFlags`).
 * @throws Error naming the variant when it has no label or an env entry is not NAME=value.
 */
export function parseVariant(text: string, imageFlags: readonly string[]): ServiceVariant {
  const [label = '', flags = '', env = ''] = text.split('::');
  if (label.trim() === '') throw new Error(`variant "${text}": needs a label (label::flags::ENV=v)`);
  const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');
  const nodeFlags = words(flags).flatMap((f) => (f === 'image' ? [...imageFlags] : [f]));
  const odd = nodeFlags.find((f) => !f.startsWith('-'));
  if (odd !== undefined) throw new Error(`variant "${label}": "${odd}" is not a Node flag (label::flags::ENV=v, flags start with -)`);
  const vars: Record<string, string> = {};
  for (const entry of words(env)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`variant "${label}": environment entry "${entry}" is not NAME=value`);
    vars[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return { label: label.trim(), nodeFlags, env: vars };
}

/** A process's memory split from /proc/<pid>/status: anonymous (heaps, stacks) vs file-backed (code) vs shmem. */
export interface RssSplit {
  rss: number;
  anon: number;
  file: number;
}

/** Reads {@link RssSplit} from the text of /proc/<pid>/status. @throws Error when a field is missing. */
export function parseRssSplit(status: string): RssSplit {
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (m?.[1] === undefined) throw new Error(`/proc status has no ${field}`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/** The resident size of each mapping of /proc/<pid>/smaps text, largest first: `kB perms offset path`. */
export function smapsTop(smaps: string, limit: number): string[] {
  const sizes = new Map<string, number>();
  let key = '';
  for (const line of smaps.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) (\S+) \S+ \S+\s*(.*)$/.exec(line);
    if (head) key = `${head[1] ?? ''} ${head[2] ?? ''} ${head[3] || '[anon]'}`;
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss?.[1] !== undefined) sizes.set(key, (sizes.get(key) ?? 0) + Number(rss[1]));
  }
  return [...sizes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([k, kb]) => `${kb} kB ${k}`);
}
