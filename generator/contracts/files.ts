import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostics } from './diagnostics.js';
import { isJsonSyntaxError, parseJsonSource, type JsonSource } from './json-source.js';

/**
 * Reads and parses a JSON file; a syntax error becomes a JSON_SYNTAX diagnostic and `undefined`.
 * The read is synchronous: contracts are many small files read one after another, where a
 * promise-based read costs several thread-pool round trips each and was most of the loading time.
 */
export async function readJsonFile(
  root: string,
  absolutePath: string,
  diagnostics: Diagnostics,
): Promise<JsonSource | undefined> {
  const file = relativeFile(root, absolutePath);
  const text = readFileSync(absolutePath, 'utf8');
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
