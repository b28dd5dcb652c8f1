/**
 * A string that matches a JSON Schema `pattern`, for example payloads. Handles the regular
 * expressions schemas actually use (anchors, classes, groups, alternation, quantifiers, common
 * escapes); anything else (look-arounds, back-references) yields undefined rather than a guess.
 * Every result is checked against the real RegExp before it is returned.
 */

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'class'; pick: (variant: number) => string | undefined }
  | { kind: 'group'; alternatives: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

class Unsupported extends Error {}

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
/** Preferred picks for classes, so samples look like data (`a`, `0`) rather than punctuation. */
const PREFERRED = 'aA0bB1cC2xX9-_. '.split('');

interface CharSet {
  negated: boolean;
  test: (ch: string) => boolean;
  first?: string;
}

function escapeClass(ch: string): CharSet | undefined {
  switch (ch) {
    case 'd':
      return { negated: false, test: (c) => /[0-9]/.test(c), first: '1' };
    case 'D':
      return { negated: false, test: (c) => !/[0-9]/.test(c), first: 'a' };
    case 'w':
      return { negated: false, test: (c) => /\w/.test(c), first: 'a' };
    case 'W':
      return { negated: false, test: (c) => !/\w/.test(c), first: '-' };
    case 's':
      return { negated: false, test: (c) => /\s/.test(c), first: ' ' };
    case 'S':
      return { negated: false, test: (c) => !/\s/.test(c), first: 'a' };
    default:
      return undefined;
  }
}

function escapeChar(ch: string): string {
  switch (ch) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'f':
      return '\f';
    case 'v':
      return '\v';
    case '0':
      return '\0';
    default:
      if (/[1-9]/.test(ch) || ch === 'k' || ch === 'p' || ch === 'P' || ch === 'c') throw new Unsupported(`\\${ch}`);
      return ch;
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly source: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.source.length) throw new Unsupported(`unexpected ${this.source[this.pos]}`);
    return node;
  }

  private peek(): string | undefined {
    return this.source[this.pos];
  }

  private alternation(): Node {
    const alternatives: Node[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      alternatives.push(this.sequence());
    }
    return { kind: 'group', alternatives };
  }

  private sequence(): Node[] {
    const nodes: Node[] = [];
    while (this.pos < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      if (atom) nodes.push(this.quantified(atom));
    }
    return nodes;
  }

  private atom(): Node | undefined {
    const ch = this.source[this.pos++]!;
    if (ch === '^' || ch === '$') return undefined;
    if (ch === '.') return { kind: 'text', text: 'a' };
    if (ch === '(') {
      if (this.source.startsWith('?:', this.pos)) this.pos += 2;
      else if (this.source.startsWith('?<', this.pos) && !this.source.startsWith('?<=', this.pos) && !this.source.startsWith('?<!', this.pos)) {
        const end = this.source.indexOf('>', this.pos);
        if (end < 0) throw new Unsupported('group name');
        this.pos = end + 1;
      } else if (this.peek() === '?') throw new Unsupported('look-around');
      const inner = this.alternation();
      if (this.source[this.pos++] !== ')') throw new Unsupported('unclosed group');
      return inner;
    }
    if (ch === '[') return this.charClass();
    if (ch === '\\') {
      const next = this.source[this.pos++];
      if (next === undefined) throw new Unsupported('trailing \\');
      if (next === 'b' || next === 'B') return undefined;
      const set = escapeClass(next);
      if (set) return { kind: 'class', pick: (variant) => pickFrom(set, variant) };
      if (next === 'u' || next === 'x') return { kind: 'text', text: this.hexEscape(next) };
      return { kind: 'text', text: escapeChar(next) };
    }
    if (ch === '*' || ch === '+' || ch === '?' || ch === '{') throw new Unsupported('nothing to repeat');
    return { kind: 'text', text: ch };
  }

  private hexEscape(kind: 'u' | 'x'): string {
    if (kind === 'u' && this.peek() === '{') {
      const end = this.source.indexOf('}', this.pos);
      const code = parseInt(this.source.slice(this.pos + 1, end), 16);
      this.pos = end + 1;
      return String.fromCodePoint(code);
    }
    const length = kind === 'u' ? 4 : 2;
    const code = parseInt(this.source.slice(this.pos, this.pos + length), 16);
    if (Number.isNaN(code)) throw new Unsupported('bad escape');
    this.pos += length;
    return String.fromCharCode(code);
  }

  private charClass(): Node {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const tests: ((c: string) => boolean)[] = [];
    let first: string | undefined;
    let start = true;
    while (this.pos < this.source.length && (this.peek() !== ']' || start)) {
      start = false;
      let ch = this.source[this.pos++]!;
      if (ch === '\\') {
        const next = this.source[this.pos++]!;
        const set = escapeClass(next);
        if (set) {
          tests.push(set.test);
          first ??= set.first;
          continue;
        }
        ch = next === 'u' || next === 'x' ? this.hexEscape(next) : next === 'b' ? '\b' : escapeChar(next);
      }
      if (this.peek() === '-' && this.source[this.pos + 1] !== ']' && this.pos + 1 < this.source.length) {
        this.pos++;
        let end = this.source[this.pos++]!;
        if (end === '\\') {
          const next = this.source[this.pos++]!;
          end = next === 'u' || next === 'x' ? this.hexEscape(next) : escapeChar(next);
        }
        const lo = ch.codePointAt(0)!;
        const hi = end.codePointAt(0)!;
        tests.push((c) => c.codePointAt(0)! >= lo && c.codePointAt(0)! <= hi);
        first ??= ch;
      } else {
        const literal = ch;
        tests.push((c) => c === literal);
        first ??= ch;
      }
    }
    if (this.source[this.pos++] !== ']') throw new Unsupported('unclosed class');
    const set: CharSet = { negated, test: (c) => tests.some((t) => t(c)), ...(first !== undefined ? { first } : {}) };
    return { kind: 'class', pick: (variant) => pickFrom(set, variant) };
  }

  private quantified(atom: Node): Node {
    const ch = this.peek();
    let min: number;
    let max: number;
    if (ch === '*') [min, max] = [0, Infinity];
    else if (ch === '+') [min, max] = [1, Infinity];
    else if (ch === '?') [min, max] = [0, 1];
    else if (ch === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.pos));
      if (!match) return atom;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
      this.pos += match[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.peek() === '?') this.pos++;
    return { kind: 'repeat', node: atom, min, max };
  }
}

function pickFrom(set: CharSet, variant: number): string | undefined {
  const matches = (c: string): boolean => set.test(c) !== set.negated;
  const candidates = [...(set.first && !set.negated ? [set.first] : []), ...PREFERRED, ...PRINTABLE].filter(matches);
  const unique = [...new Set(candidates)];
  return unique.length === 0 ? undefined : unique[variant % unique.length];
}

function generate(node: Node, extra: number, variant: number): string {
  switch (node.kind) {
    case 'text':
      return node.text;
    case 'class': {
      const ch = node.pick(variant);
      if (ch === undefined) throw new Unsupported('empty class');
      return ch;
    }
    case 'group':
      return node.alternatives[0]!.map((n) => generate(n, extra, variant)).join('');
    case 'repeat': {
      const count = Math.min(node.max, node.min + extra);
      let out = '';
      for (let i = 0; i < count; i++) out += generate(node.node, extra, variant + i);
      return out;
    }
  }
}

/**
 * A string matching `pattern` (as JSON Schema reads it: unanchored, Unicode) whose length is within
 * the bounds, or undefined when none could be made. `variant` varies the characters chosen, for
 * arrays whose items must be unique.
 */
export function sampleForPattern(pattern: string, bounds: { minLength?: number; maxLength?: number } = {}, variant = 0): string | undefined {
  let regex: RegExp;
  let ast: Node;
  try {
    regex = new RegExp(pattern, 'u');
    ast = new Parser(pattern).parse();
  } catch {
    return undefined;
  }
  const min = bounds.minLength ?? 0;
  const max = bounds.maxLength ?? Infinity;
  for (let extra = 0; extra <= 8; extra++) {
    let sample: string;
    try {
      sample = generate(ast, extra, variant);
    } catch {
      return undefined;
    }
    const length = [...sample].length;
    if (length > max) return undefined;
    if (length >= min && regex.test(sample)) return sample;
  }
  return undefined;
}
