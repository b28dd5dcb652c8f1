import { joinPointer } from './json-source.js';

/**
 * Where each JSON pointer of a valid JSON document sits in its text, from one scan of the text
 * rather than a syntax tree: most contracts get a few warnings (a field without a doc), and a tree
 * per file cost more than checking the contract.
 *
 * A pointer's offset is that of the property's key for a property, of the element for an array
 * element, and of the value for the root. As in jsonc-parser, the first of duplicate keys wins and
 * a numeric segment only indexes arrays, so properties named like an index are not listed.
 */
export function pointerOffsets(text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  const value = (i: number, pointer: string | undefined): number => {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) return skipString(text, i);
    if (c === 0x7b /* { */) {
      i = skipSpace(text, i + 1);
      while (text.charCodeAt(i) === 0x22) {
        const keyEnd = skipString(text, i);
        const raw = text.slice(i + 1, keyEnd - 1);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
        let child: string | undefined;
        if (pointer !== undefined && !/^(0|[1-9][0-9]*)$/.test(key)) {
          child = joinPointer(pointer, key);
          if (offsets.has(child)) child = undefined;
          else offsets.set(child, i);
        }
        i = skipSpace(text, value(skipSpace(text, skipSpace(text, keyEnd) + 1), child));
        if (text.charCodeAt(i) === 0x2c /* , */) i = skipSpace(text, i + 1);
      }
      return i + 1;
    }
    if (c === 0x5b /* [ */) {
      i = skipSpace(text, i + 1);
      for (let n = 0; text.charCodeAt(i) !== 0x5d /* ] */ && i < text.length; n++) {
        const child = pointer === undefined ? undefined : joinPointer(pointer, n);
        if (child !== undefined) offsets.set(child, i);
        i = skipSpace(text, value(i, child));
        if (text.charCodeAt(i) === 0x2c) i = skipSpace(text, i + 1);
      }
      return i + 1;
    }
    // A number, true, false or null.
    for (let d = c; i < text.length && d !== 0x2c && d !== 0x5d && d !== 0x7d && d !== 0x20 && d !== 0x0a && d !== 0x0d && d !== 0x09; d = text.charCodeAt(++i));
    return i;
  };
  const root = skipSpace(text, 0);
  offsets.set('', root);
  value(root, '');
  return offsets;
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** The offset just past the string starting at `i` (its opening quote). */
function skipString(text: string, i: number): number {
  for (i++; ; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22 || Number.isNaN(c)) return i + 1;
  }
}
