/** Thrown by `callTool`, `getPrompt` and `readResource` for a name (or URI) that is not in the catalogue. */
export class NotInCatalogueError extends Error {
  override readonly name = 'NotInCatalogueError';
  readonly kind: 'tool' | 'prompt' | 'resource';
  /** The tool or prompt name, or the resource URI. */
  readonly key: string;
  constructor(kind: 'tool' | 'prompt' | 'resource', key: string) {
    super(`${kind} ${JSON.stringify(key)} is not offered by any healthy backend`);
    this.kind = kind;
    this.key = key;
  }
}
