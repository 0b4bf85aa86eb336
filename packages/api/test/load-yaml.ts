/* eslint-disable @typescript-eslint/no-explicit-any -- untyped parsed YAML; the tests assert its shape */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface LoadedDocument {
  file: string;
  index: number;
  value: Record<string, any>;
}

/** Every non-empty document of a multi-document YAML file; a YAML error fails with the file name. */
export function loadYamlFile(file: string): LoadedDocument[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { prettyErrors: true });
  const out: LoadedDocument[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${path.basename(file)} document ${index}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    out.push({ file: path.basename(file), index, value: value as Record<string, any> });
  });
  return out;
}
