/**
 * JSON that keeps number literals as written. Schema text is stored canonicalised, and a
 * round trip through `JSON.parse` would turn a long default such as 9223372036854775807 into
 * 9223372036854776000 and `1.0` into `1`, changing what readers get back and which id it maps to.
 */

/** A number kept as its source text. */
export class LosslessNumber {
  constructor(readonly raw: string) {}
  toJSON(): number {
    return Number(this.raw);
  }
}

export type LosslessValue = string | boolean | null | LosslessNumber | LosslessValue[] | { [key: string]: LosslessValue };
export type LosslessObject = { [key: string]: LosslessValue };

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

export function parseLossless(text: string): LosslessValue {
  let pos = 0;
  const skip = (): void => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(pos >= text.length ? 'Unexpected end of JSON input' : `${what} '${text[pos]}'`, pos);
  };
  const string = (): string => {
    const start = pos;
    pos++;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        // JSON.parse applies the exact escape and control-character rules of the grammar.
        try {
          return JSON.parse(text.slice(start, pos)) as string;
        } catch {
          pos = start;
          return fail('Bad string starting with');
        }
      }
      pos += c === 0x5c ? 2 : 1;
    }
    return fail('Unterminated string');
  };
  const value = (depth: number): LosslessValue => {
    if (depth > 1000) fail('Nesting too deep near');
    skip();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const object: LosslessObject = {};
      skip();
      if (text[pos] === '}') {
        pos++;
        return object;
      }
      for (;;) {
        skip();
        if (text[pos] !== '"') fail('Expected a property name but found');
        const key = string();
        skip();
        if (text[pos] !== ':') fail("Expected ':' but found");
        pos++;
        // defineProperty, so that a key such as "__proto__" stays data and never becomes a prototype.
        Object.defineProperty(object, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        skip();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return object;
        }
        fail("Expected ',' or '}' but found");
      }
    }
    if (c === '[') {
      pos++;
      const array: LosslessValue[] = [];
      skip();
      if (text[pos] === ']') {
        pos++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        skip();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return array;
        }
        fail("Expected ',' or ']' but found");
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (match) {
      pos = NUMBER.lastIndex;
      return new LosslessNumber(match[0]);
    }
    return fail('Unexpected token');
  };
  const result = value(0);
  skip();
  if (pos < text.length) fail('Unexpected token after the JSON value:');
  return result;
}

/** Compact JSON; `sortKeys` orders object keys by code point, for normalised forms. */
export function stringifyLossless(value: LosslessValue, sortKeys = false): string {
  if (value instanceof LosslessNumber) return value.raw;
  if (Array.isArray(value)) return `[${value.map((v) => stringifyLossless(v, sortKeys)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (sortKeys) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stringifyLossless(value[k] as LosslessValue, sortKeys)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function isLosslessObject(value: LosslessValue | undefined): value is LosslessObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof LosslessNumber);
}

/** Plain JSON value for libraries (avsc, ajv, the compatibility engines) that need numbers. */
export function toPlain(value: LosslessValue): unknown {
  return JSON.parse(stringifyLossless(value)) as unknown;
}
