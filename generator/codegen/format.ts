import type { EmittedFile } from './emit.js';

/**
 * The last stage before writing: whitespace normalised the same way for every file (so output is
 * byte-for-byte deterministic), then a syntactic parse with the TypeScript parser ts-morph bundles.
 * A parse is cheap (no type-check) and catches any template or escaping bug before a broken file
 * reaches the disk; a full type-check of the output belongs in tests, not in every generate run.
 */

export function normalise(text: string): string {
  return `${text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .trimEnd()}\n`;
}

type TsModule = typeof import('ts-morph').ts;
let tsModule: TsModule | undefined;

async function typescript(): Promise<TsModule> {
  tsModule ??= (await import('ts-morph')).ts;
  return tsModule;
}

export class GeneratedSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`herald codegen produced an unparseable ${file}: ${problems.slice(0, 3).join('; ')}`);
    this.name = 'GeneratedSyntaxError';
  }
}

/**
 * Files not worth parsing: `validators.js` is ajv's own output (only its `require`s are
 * re-pointed), and `schemas.ts` holds each contract's text in a `String.raw` template that
 * `emit.ts` only uses when the text has no backtick, `${`, trailing backslash or carriage return
 * (else a JSON string): schema content cannot break it. Together they are most of the output's
 * bytes, and parsing them would cost more than all the other stages together.
 */
function needsParse(file: string): boolean {
  return file.endsWith('.ts') && !file.endsWith('/schemas.ts');
}

/** Normalises every file and parses the TypeScript ones; throws `GeneratedSyntaxError` on the first that does not parse. */
export async function formatAndCheck(files: EmittedFile[]): Promise<EmittedFile[]> {
  const ts = await typescript();
  return files.map((file) => {
    const content = normalise(file.content);
    if (!needsParse(file.path)) return { path: file.path, content };
    const kind = ts.ScriptKind.TS;
    const source = ts.createSourceFile(file.path, content, ts.ScriptTarget.ES2022, false, kind);
    const diagnostics = (source as unknown as { parseDiagnostics?: Array<{ start?: number; messageText: string | { messageText: string } }> }).parseDiagnostics ?? [];
    if (diagnostics.length) {
      throw new GeneratedSyntaxError(
        file.path,
        diagnostics.map((d) => {
          const at = d.start !== undefined ? source.getLineAndCharacterOfPosition(d.start) : undefined;
          const text = typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText;
          return `${at ? `${at.line + 1}:${at.character + 1} ` : ''}${text}`;
        }),
      );
    }
    return { path: file.path, content };
  });
}
