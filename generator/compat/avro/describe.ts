/**
 * Plain words for Avro types and for places in a schema, used by rule messages.
 *
 * A place is a "trail" of field names from the top-level record: `owner`, `address.zip`,
 * `tags[]` for the items of array field `tags`, `attributes{}` for the values of map field
 * `attributes`. The trail follows the reader schema, because that is the schema the pointer in
 * each finding points into.
 */
import type { AvroNode, Container, RecordField } from './parse.js';

export function typeWords(node: AvroNode): string {
  switch (node.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return `${node.type} \`${node.name.fullName}\``;
    case 'array':
      return `array<${innerWords(node.items)}>`;
    case 'map':
      return `map<${innerWords(node.values)}>`;
    case 'union':
      return `union [${node.branches.map(innerWords).join(', ')}]`;
    default:
      return node.type;
  }
}

// Inside another type a named type is shown by name only, which keeps nested types short.
function innerWords(node: AvroNode): string {
  switch (node.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return node.name.fullName;
    case 'union':
      return `[${node.branches.map(innerWords).join(', ')}]`;
    default:
      return typeWords(node);
  }
}

/**
 * The trail of a location: the names of the fields it lies in, `[]` for array items and `{}` for
 * map values. Worked out only when a finding is worded, so the walk itself carries no names.
 */
export function trailOf(site: Container | undefined, token: string | number | undefined): string {
  const parts: string[] = [];
  let at = site;
  let under = token;
  while (at !== undefined) {
    if ((at as RecordField).kind === 'field') {
      const field = at as RecordField;
      parts.push(field.name);
      under = field.parent.token;
      at = field.parent.parent;
      continue;
    }
    const node = at as AvroNode;
    if (node.type === 'array' && under === 'items') parts.push('[]');
    else if (node.type === 'map' && under === 'values') parts.push('{}');
    under = node.token;
    at = node.parent;
  }
  let trail = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i] as string;
    trail += part === '[]' || part === '{}' || trail === '' ? part : `.${part}`;
  }
  return trail;
}

/** "field `a.b`"; "the schema" for the top-level type; "element `[]`" inside a top-level array or map. */
export function placeWords(trail: string): string {
  if (trail === '') return 'the schema';
  if (trail.startsWith('[') || trail.startsWith('{')) return `element \`${trail}\``;
  return `field \`${trail}\``;
}

/** "record `Address` (field `home`)", or just the type when it is the top-level type. */
export function namedWords(node: AvroNode, trail: string): string {
  const what = typeWords(node);
  return trail === '' ? what : `${what} (${placeWords(trail)})`;
}

export function listWords(items: readonly string[]): string {
  return items.map((item) => `\`${item}\``).join(', ');
}
