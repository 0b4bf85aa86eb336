/**
 * The token and the CA bundle, read from files for every connection attempt. The kubelet rotates a projected
 * ServiceAccount token by swapping the file well before it expires, and cert-manager rotates a CA bundle the same
 * way: reading afresh at each attempt means a rotated file is used by the next connection, with no watch to miss.
 */
import { readFile } from 'node:fs/promises';
import { FeedError } from './errors.ts';

/** Where a token comes from: a file path (re-read each time) or a function (for tests and custom sources). */
export type TokenSource = string | (() => string | Promise<string>);

/** The bearer token, trimmed. Errors name the file and the problem, never the content. */
export async function readToken(source: TokenSource): Promise<string> {
  let token: string;
  try {
    token = typeof source === 'string' ? await readFile(source, 'utf8') : await source();
  } catch (error) {
    const where = typeof source === 'string' ? `token file ${JSON.stringify(source)}` : 'the token source';
    throw new FeedError('credentials', `cannot read ${where}: ${(error as NodeJS.ErrnoException).code ?? 'failed'}`, { cause: error });
  }
  const trimmed = token.trim();
  if (trimmed === '' || /[\s]/.test(trimmed)) {
    const where = typeof source === 'string' ? `token file ${JSON.stringify(source)}` : 'the token source';
    throw new FeedError('credentials', `${where} ${trimmed === '' ? 'is empty' : 'holds whitespace inside the token'}`);
  }
  return trimmed;
}

/** The CA bundle, or undefined when none is configured (Node's default roots then apply). */
export async function readCa(file: string | undefined): Promise<Buffer | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch (error) {
    throw new FeedError(
      'credentials',
      `cannot read CA file ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? 'failed'}`,
      {
        cause: error,
      },
    );
  }
}
