import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostics } from './diagnostics.js';
import { isJsonSyntaxError, parseJsonSource, type JsonSource } from './json-source.js';

/** Reads and parses a JSON file; a syntax error becomes a JSON_SYNTAX diagnostic and `undefined`. */
export async function readJsonFile(
  root: string,
  absolutePath: string,
  diagnostics: Diagnostics,
): Promise<JsonSource | undefined> {
  const file = relativeFile(root, absolutePath);
  const text = await readFile(absolutePath, 'utf8');
  const parsed = parseJsonSource(file, text);
  if (isJsonSyntaxError(parsed)) {
    diagnostics.report(
      'JSON_SYNTAX',
      { file, pointer: '', line: parsed.line, column: parsed.column },
      `invalid JSON: ${parsed.message}`,
    );
    return undefined;
  }
  return parsed;
}

/** Project-relative, forward-slashed: what messages and JSON output show on every platform. */
export function relativeFile(root: string, absolutePath: string): string {
  return path.relative(root, absolutePath).split(path.sep).join('/');
}
