/**
 * Documentation text as data for the templates: paragraphs of segments, where only an
 * http(s) URL becomes a link. Nothing in a schema's docs is ever markup: the templates escape
 * every segment, and an href exists only when this module built it from a URL it parsed.
 * `javascript:`, `data:` and every other scheme stay plain text.
 */

export interface Segment {
  text: string;
  href?: string;
}

export type Paragraph = Segment[];

export type DocNode =
  | { kind: 'text'; paragraphs: Paragraph[] }
  | { kind: 'list'; items: DocNode[] }
  | { kind: 'map'; entries: { key: string; value: DocNode }[] };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** A URL we are willing to link to: http or https, parsed, without credentials. */
export function safeHref(candidate: string): string | undefined {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  return url.href;
}

function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    // Trailing punctuation ends a sentence more often than it belongs to the URL.
    const raw = match[0].replace(/[.,;:!?)\]]+$/, '');
    const start = match.index ?? 0;
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** Splits on blank lines; single line breaks stay inside a paragraph (the CSS keeps them). */
export function paragraphs(text: string | undefined): Paragraph[] {
  if (!text) return [];
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map(segments);
}

/** The first sentence (or the first 160 characters), for lists and search results. */
export function summary(text: string | undefined, limit = 160): string {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  const chars = [...sentence];
  return chars.length > limit ? `${chars.slice(0, limit - 1).join('')}…` : sentence;
}

/** Free-form `docs` from domain.json as a tree the templates can walk. */
export function docNode(value: unknown, depth = 0): DocNode {
  if (depth > 8) return { kind: 'text', paragraphs: [[{ text: '…' }]] };
  if (Array.isArray(value)) return { kind: 'list', items: value.map((v) => docNode(v, depth + 1)) };
  if (typeof value === 'object' && value !== null) {
    return { kind: 'map', entries: Object.entries(value).map(([key, v]) => ({ key, value: docNode(v, depth + 1) })) };
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const paras = paragraphs(text);
  return { kind: 'text', paragraphs: paras.length > 0 ? paras : [[{ text }]] };
}
