import { createRequire } from 'node:module';
import type { ParseError } from 'jsonc-parser';
import { pointerOffsets } from './json-locate.js';

/** A JSON file's text and value, able to say where a JSON pointer sits in the text. */
export class JsonSource {
  private lineStarts: number[] | undefined;
  private offsets: Map<string, number> | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly value: unknown,
  ) {}

  /** Line and column (1-based) of the value at `pointer`, or of its nearest existing parent. */
  position(pointer: string): { line: number; column: number } {
    this.offsets ??= pointerOffsets(this.text);
    const segments = pointerSegments(pointer);
    for (let length = segments.length; length > 0; length--) {
      const offset = this.offsets.get(joinPointer('', ...segments.slice(0, length)));
      if (offset !== undefined) return this.offsetToPosition(offset);
    }
    return this.offsetToPosition(this.offsets.get('') ?? 0);
  }

  offsetToPosition(offset: number): { line: number; column: number } {
    this.lineStarts ??= computeLineStarts(this.text);
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }
}

export interface JsonSyntaxError {
  message: string;
  line: number;
  column: number;
}

/**
 * Parses strict JSON (no comments, no trailing commas). `JSON.parse` decides validity and builds
 * the value; jsonc-parser only runs on failure, because V8's messages do not always carry a position.
 */
export function parseJsonSource(file: string, text: string): JsonSource | JsonSyntaxError {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return new JsonSource(file, body, JSON.parse(body));
  } catch (cause) {
    // Loaded only for a file that is not valid JSON, to locate and word the error.
    const { parseTree, printParseErrorCode } = createRequire(import.meta.url)('jsonc-parser') as typeof import('jsonc-parser');
    const errors: ParseError[] = [];
    parseTree(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const located = new JsonSource(file, body, undefined);
    if (!first) {
      return { message: cause instanceof Error ? cause.message : String(cause), line: 1, column: 1 };
    }
    return { message: describeParseError(printParseErrorCode(first.error)), ...located.offsetToPosition(first.offset) };
  }
}

export function isJsonSyntaxError(value: JsonSource | JsonSyntaxError): value is JsonSyntaxError {
  return !(value instanceof JsonSource);
}

function describeParseError(name: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'expected a property name in double quotes',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected ":"',
    CommaExpected: 'expected "," or a closing bracket',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: 'unexpected content after the JSON value',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in string',
  };
  return words[name] ?? name;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) starts.push(i + 1);
  }
  return starts;
}

/** RFC 6901 pointer to path segments, array indexes as numbers (what jsonc-parser expects). */
export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment;
    });
}

export function joinPointer(base: string, ...segments: (string | number)[]): string {
  let pointer = base;
  for (const segment of segments) {
    const text = String(segment);
    // Most segments need no escaping; the check is cheaper than the replacements on every node of every schema.
    pointer += `/${text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text}`;
  }
  return pointer;
}
