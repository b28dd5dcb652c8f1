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
 * start, exactly one newline at the end. One pass over the lines with `indexOf`, copying runs of
 * lines that need no change as single slices: the output is megabytes (each contract's text is
 * embedded), and splitting it into lines and joining them again cost more than rendering it.
 */
export function normalise(input: string): string {
  // `$` of a multiline pattern also ends a line at U+2028/U+2029; keep those exact with the patterns.
  if (/[\u2028\u2029]/.test(input)) return normaliseByPatterns(input);
  const text = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  const chunks: string[] = [];
  // The run of kept text copied as is, and whether a blank line came since the last kept line.
  let runStart = -1;
  let runEnd = -1;
  let blank = false;
  for (let pos = 0; pos <= text.length; ) {
    let newline = text.indexOf('\n', pos);
    if (newline === -1) newline = text.length;
    let end = newline;
    for (let c = text.charCodeAt(end - 1); end > pos && (c === 0x20 || c === 0x09); c = text.charCodeAt(end - 1)) end--;
    if (end === pos) {
      blank = runStart >= 0;
    } else {
      const separator = runStart < 0 ? '' : blank ? '\n\n' : '\n';
      // Between the run's end and this line there is at least the separator's newlines; equal length means equal text.
      if (runStart >= 0 && pos - runEnd === separator.length) {
        runEnd = end;
      } else {
        if (runStart >= 0) chunks.push(text.slice(runStart, runEnd), separator);
        runStart = pos;
        runEnd = end;
      }
      blank = false;
    }
    pos = newline + 1;
  }
  if (runStart >= 0) chunks.push(text.slice(runStart, runEnd));
  return `${chunks.join('').trimEnd()}\n`;
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
