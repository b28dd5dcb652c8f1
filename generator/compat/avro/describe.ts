/**
 * Plain words for Avro types and for places in a schema, used by rule messages.
 *
 * A place is a "trail" of field names from the top-level record: `owner`, `address.zip`,
 * `tags[]` for the items of array field `tags`, `attributes{}` for the values of map field
 * `attributes`. The trail follows the reader schema, because that is the schema the pointer in
 * each finding points into.
 */
import type { AvroNode } from './parse.js';

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
 * The trail of a JSON pointer into a schema document: the names of the fields it passes
 * through, `[]` for array items and `{}` for map values. Worked out only when a finding is
 * worded, so the walk itself carries no names.
 */
export function trailAt(document: unknown, pointer: string): string {
  let trail = '';
  let node: unknown = document;
  const tokens = pointer.split('/');
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (Array.isArray(node)) {
      node = node[Number(token)];
      continue;
    }
    if (typeof node !== 'object' || node === null) break;
    const object = node as Record<string, unknown>;
    if (token === 'fields') {
      const field = (object['fields'] as Record<string, unknown>[])[Number(tokens[++i])];
      if (field === undefined) break;
      const name = String(field['name']);
      trail = trail === '' ? name : `${trail}.${name}`;
      node = field;
    } else if (token === 'items' || token === 'values') {
      trail += token === 'items' ? '[]' : '{}';
      node = object[token];
    } else if (token === 'type') {
      node = object['type'];
    } else {
      break; // `name`, `size`, `symbols`: a part of the type at hand, not a place inside it
    }
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
