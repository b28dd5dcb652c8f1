import type { EmittedFile } from './emit.js';

/**
 * The last stage before writing: whitespace normalised the same way for every file, so output is
 * byte-for-byte deterministic whatever the templates' own spacing. There is no parse of the output
 * here: types and JSDoc are rendered by code that escapes what it embeds (docs, string literals,
 * schema text), and the suite type-checks the generated trees under `--strict`, which catches far
 * more than a parse would; loading TypeScript's parser for every run cost more than all the other
 * stages together.
 */

/**
 * Line endings to `\n`, no trailing spaces or tabs, at most one blank line in a row, none at the
 * start, exactly one newline at the end. One pass over the lines: the same rules as regular
 * expressions cost more than rendering (a trailing-space pattern retries at every indent).
 */
export function normalise(text: string): string {
  // `$` of a multiline pattern also ends a line at U+2028/U+2029; keep those exact with the patterns.
  if (/[\u2028\u2029]/.test(text)) return normaliseByPatterns(text);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let blank = false;
  for (const line of lines) {
    let end = line.length;
    for (let c = line.charCodeAt(end - 1); c === 0x20 || c === 0x09; c = line.charCodeAt(end - 1)) end--;
    if (end === 0) {
      blank = out.length > 0;
      continue;
    }
    if (blank) out.push('');
    blank = false;
    out.push(end === line.length ? line : line.slice(0, end));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function normaliseByPatterns(text: string): string {
  return `${text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .trimEnd()}\n`;
}

export function formatFiles(files: readonly EmittedFile[]): EmittedFile[] {
  return files.map((file) => ({ path: file.path, content: normalise(file.content) }));
}
