import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted and no whitespace. Key order and formatting carry no meaning in
 * either format (Avro field order lives in arrays, which keep their order), so this text changes
 * exactly when the schema does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function fingerprint(canonical: string): string {
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
