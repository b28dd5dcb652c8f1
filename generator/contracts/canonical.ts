import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted and no whitespace. Key order and formatting carry no meaning in
 * either format (Avro field order lives in arrays, which keep their order), so this text changes
 * exactly when the schema does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? '';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, the order canonical forms are defined by.
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

export function fingerprint(canonical: string): string {
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
