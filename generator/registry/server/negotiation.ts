/**
 * Confluent's content types and JAX-RS-style negotiation. Real clients send very different
 * Accept headers (none, axios's `application/json, text/plain, *\/*`, the JDK default with a bare
 * `*`), and every one of them must get JSON back.
 */

/** Media types a request body may have; octet-stream is Confluent's "generic request", parsed as JSON. */
export const REQUEST_TYPES = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
  'application/octet-stream',
] as const;

/** What the server produces, best first (Confluent's qs 1, 0.9, 0.5). */
export const RESPONSE_TYPES = ['application/vnd.schemaregistry.v1+json', 'application/vnd.schemaregistry+json', 'application/json'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

interface AcceptEntry {
  type: string;
  subtype: string;
  q: number;
  /** 2 for type/subtype, 1 for type/*, 0 for *\/*. */
  specificity: number;
  index: number;
}

function parseAccept(header: string): AcceptEntry[] {
  const entries: AcceptEntry[] = [];
  header.split(',').forEach((part, index) => {
    const [range = '', ...params] = part.trim().split(';');
    const media = range.trim().toLowerCase();
    if (!media) return;
    // The JDK's default Accept contains a bare `*`, which Jersey reads as `*/*`.
    const [type = '*', subtype = '*'] = media === '*' ? ['*', '*'] : media.split('/');
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((s) => s.trim());
      if (key === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    const specificity = type === '*' ? 0 : subtype === '*' ? 1 : 2;
    entries.push({ type, subtype, q, specificity, index });
  });
  return entries;
}

const MAX_REMEMBERED = 256;
/** null records "nothing acceptable". */
const negotiated = new Map<string, ResponseType | null>();

/**
 * The response type for an Accept header, or undefined when nothing acceptable is produced (406).
 * Client preference decides first (quality, then specificity), the server's order breaks ties,
 * so `application/json` gets `application/json` and no header or `*\/*` gets the v1 type.
 */
export function negotiate(accept: string | undefined): ResponseType | undefined {
  if (!accept || !accept.trim()) return RESPONSE_TYPES[0];
  // A client sends the same header on every request, so parsing it once per distinct value is enough.
  const known = negotiated.get(accept);
  if (known !== undefined) return known ?? undefined;
  const chosen = choose(accept);
  // Headers are client-controlled; past the bound the memo starts over rather than grow.
  if (negotiated.size >= MAX_REMEMBERED) negotiated.clear();
  negotiated.set(accept, chosen ?? null);
  return chosen;
}

function choose(accept: string): ResponseType | undefined {
  const entries = parseAccept(accept)
    .filter((e) => e.q > 0)
    .sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.index - b.index);
  for (const entry of entries) {
    const match = RESPONSE_TYPES.find((produced) => {
      const [type, subtype] = produced.split('/');
      return (entry.type === '*' || entry.type === type) && (entry.subtype === '*' || entry.subtype === subtype);
    });
    if (match) return match;
  }
  return undefined;
}
