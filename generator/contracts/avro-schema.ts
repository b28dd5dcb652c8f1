import { createRequire } from 'node:module';
import type avsc from 'avsc';
import { certainlyValidAvro } from './avro-fast-check.js';
import { joinPointer } from './json-source.js';

/** avsc is loaded only for the schemas the quick check is not sure of: most runs never need it. */
let avscModule: typeof avsc | undefined;
const avro = (): typeof avsc => (avscModule ??= createRequire(import.meta.url)('avsc') as typeof avsc);

type Json = unknown;
type JsonObject = Record<string, Json>;

export interface AvroProblem {
  pointer: string;
  message: string;
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks an Avro schema as avsc parses it: the quick check settles schemas avsc certainly accepts,
 * avsc decides the rest. avsc's errors say what is wrong but not where, so on failure the schema
 * is re-parsed piece by piece, in definition order, to find the innermost failing node.
 */
export function validateAvro(schema: Json): AvroProblem | undefined {
  if (certainlyValidAvro(schema)) return undefined;
  try {
    avro().Type.forSchema(schema as avsc.Schema, { registry: {} });
    return undefined;
  } catch (error) {
    return locate(schema, '', {}, undefined, messageOf(error));
  }
}

function tryParse(schema: Json, registry: Registry, namespace: string | undefined): string | undefined {
  try {
    avro().Type.forSchema(schema as avsc.Schema, { registry, ...(namespace ? { namespace } : {}) });
    return undefined;
  } catch (error) {
    return messageOf(error);
  }
}

type Registry = Record<string, avsc.Type>;

function locate(
  node: Json,
  pointer: string,
  registry: Registry,
  namespace: string | undefined,
  fallback: string,
): AvroProblem {
  if (Array.isArray(node)) {
    for (const [i, branch] of node.entries()) {
      const message = tryParse(branch, registry, namespace);
      if (message) return locate(branch, joinPointer(pointer, i), registry, namespace, message);
    }
    return { pointer, message: fallback };
  }
  if (!isObject(node)) return { pointer, message: fallback };
  const type = node['type'];
  if (type === 'record' || type === 'error') {
    const ownNamespace = namespaceOf(node, namespace);
    if (!Array.isArray(node['fields'])) return { pointer: joinPointer(pointer, 'fields'), message: fallback };
    // Recursive references to the record itself must resolve while its fields are parsed alone.
    const fullName = typeof node['name'] === 'string' ? qualify(node['name'], ownNamespace) : undefined;
    if (fullName && !registry[fullName]) registry[fullName] = avro().Type.forSchema('null');
    for (const [i, field] of node['fields'].entries()) {
      const fieldPointer = joinPointer(pointer, 'fields', i);
      if (!isObject(field)) return { pointer: fieldPointer, message: 'a field must be an object with "name" and "type"' };
      const before = { ...registry };
      const message = tryParse(field['type'], registry, ownNamespace);
      if (message) return locate(field['type'], joinPointer(fieldPointer, 'type'), before, ownNamespace, message);
      // The type parses alone, so a failure of the field itself lies in its name or default.
      const probe = { type: 'record', name: 'HeraldFieldProbe', fields: [field] };
      const fieldMessage = tryParse(probe, { ...before }, ownNamespace);
      if (fieldMessage) {
        const key = 'default' in field && /default/.test(fieldMessage) ? 'default' : 'name';
        return { pointer: joinPointer(fieldPointer, key), message: fieldMessage };
      }
    }
    const names = node['fields'].map((f) => (isObject(f) ? f['name'] : undefined));
    const duplicate = names.findIndex((n, i) => names.indexOf(n) !== i);
    if (duplicate >= 0) return { pointer: joinPointer(pointer, 'fields', duplicate, 'name'), message: fallback };
    return { pointer, message: fallback };
  }
  if (type === 'array') return descend(node, 'items', pointer, registry, namespace, fallback);
  if (type === 'map') return descend(node, 'values', pointer, registry, namespace, fallback);
  if (type === 'enum' && /symbol/.test(fallback)) return { pointer: joinPointer(pointer, 'symbols'), message: fallback };
  if (/name/.test(fallback) && 'name' in node) return { pointer: joinPointer(pointer, 'name'), message: fallback };
  if (isObject(type) || Array.isArray(type)) return locate(type, joinPointer(pointer, 'type'), registry, namespace, fallback);
  return { pointer, message: fallback };
}

function descend(
  node: JsonObject,
  key: string,
  pointer: string,
  registry: Registry,
  namespace: string | undefined,
  fallback: string,
): AvroProblem {
  const message = tryParse(node[key], registry, namespace);
  if (message) return locate(node[key], joinPointer(pointer, key), registry, namespace, message);
  return { pointer, message: fallback };
}

export function namespaceOf(node: JsonObject, inherited: string | undefined): string | undefined {
  const name = node['name'];
  if (typeof name === 'string' && name.includes('.')) return name.slice(0, name.lastIndexOf('.'));
  if (typeof node['namespace'] === 'string') return node['namespace'] || undefined;
  return inherited;
}

export function qualify(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Where a node sits in the schema: a chain of pointer segments, joined into a JSON pointer only
 * when a diagnostic names the place (most schemas report nothing, so most chains are never joined).
 */
interface Trail {
  parent: Trail | undefined;
  segment: string | number;
}

function pointerOf(trail: Trail | undefined, ...segments: (string | number)[]): string {
  const chain: (string | number)[] = [];
  for (let at = trail; at; at = at.parent) chain.push(at.segment);
  return joinPointer('', ...chain.reverse(), ...segments);
}

const LOGICAL_BASES: Record<string, readonly string[]> = {
  decimal: ['bytes', 'fixed'],
  uuid: ['string', 'fixed'],
  date: ['int'],
  'time-millis': ['int'],
  'time-micros': ['long'],
  'timestamp-millis': ['long'],
  'timestamp-micros': ['long'],
  'timestamp-nanos': ['long'],
  'local-timestamp-millis': ['long'],
  'local-timestamp-micros': ['long'],
  'local-timestamp-nanos': ['long'],
  duration: ['fixed'],
};

export interface AvroField {
  name: string;
  type: Json;
  doc?: string;
  /** The field's JSON pointer, built on demand. */
  pointer(): string;
}

export interface AvroRecord {
  record: JsonObject;
  fields: AvroField[];
}

export interface AvroInspection {
  /** Invalid logical types (see `checkLogicalType`). */
  logicalProblems: AvroProblem[];
  /** Every record of the schema in definition order, the top-level one first; for doc and key checks. */
  records: AvroRecord[];
}

/**
 * One depth-first walk of a valid Avro schema (named types are entered at their definition only,
 * references are not followed) collecting what the event checks need: logical type problems and
 * the records with their fields.
 */
export function inspectAvro(schema: Json): AvroInspection {
  const logicalProblems: AvroProblem[] = [];
  const records: AvroRecord[] = [];
  const step = (node: Json, trail: Trail | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach((branch, i) => step(branch, { parent: trail, segment: i }));
      return;
    }
    if (!isObject(node)) return;
    if (typeof node['logicalType'] === 'string') checkLogicalType(node, node['logicalType'], trail, logicalProblems);
    const type = node['type'];
    if ((type === 'record' || type === 'error') && Array.isArray(node['fields'])) {
      const fieldsTrail: Trail = { parent: trail, segment: 'fields' };
      const fields: AvroField[] = [];
      records.push({ record: node, fields });
      node['fields'].forEach((field: Json, i) => {
        if (!isObject(field)) return;
        const fieldTrail: Trail = { parent: fieldsTrail, segment: i };
        fields.push({
          name: String(field['name']),
          type: field['type'],
          ...(typeof field['doc'] === 'string' ? { doc: field['doc'] } : {}),
          pointer: () => pointerOf(fieldTrail),
        });
        step(field['type'], { parent: fieldTrail, segment: 'type' });
      });
    } else if (type === 'array') {
      step(node['items'], { parent: trail, segment: 'items' });
    } else if (type === 'map') {
      step(node['values'], { parent: trail, segment: 'values' });
    } else if (isObject(type) || Array.isArray(type)) {
      step(type, { parent: trail, segment: 'type' });
    }
  };
  step(schema, undefined);
  return { logicalProblems, records };
}

/**
 * Avro readers silently ignore a logical type they find invalid and fall back to the base type,
 * so a typo here would ship raw bytes where the author meant a decimal. Reject it up front.
 */
function checkLogicalType(node: JsonObject, logical: string, trail: Trail | undefined, problems: AvroProblem[]): void {
  const base = node['type'];
  const bases = LOGICAL_BASES[logical];
  if (!bases) {
    problems.push({ pointer: pointerOf(trail, 'logicalType'), message: `unknown logical type "${logical}"; expected one of ${Object.keys(LOGICAL_BASES).join(', ')}` });
    return;
  }
  if (typeof base !== 'string' || !bases.includes(base)) {
    problems.push({ pointer: pointerOf(trail, 'logicalType'), message: `logical type "${logical}" must annotate ${bases.join(' or ')}, not ${JSON.stringify(base)}` });
    return;
  }
  if (logical === 'decimal') {
    const precision = node['precision'];
    const scale = node['scale'] ?? 0;
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
      problems.push({ pointer: pointerOf(trail, 'precision'), message: 'decimal needs an integer "precision" of at least 1' });
    } else if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      problems.push({ pointer: pointerOf(trail, 'scale'), message: `decimal "scale" must be an integer from 0 to the precision (${precision})` });
    } else if (base === 'fixed' && typeof node['size'] === 'number' && precision > Math.floor(Math.log10(2) * (8 * node['size'] - 1))) {
      problems.push({ pointer: pointerOf(trail, 'precision'), message: `a fixed of ${node['size']} bytes cannot hold a decimal of precision ${precision}` });
    }
  }
  if (logical === 'duration' && node['size'] !== 12) {
    problems.push({ pointer: pointerOf(trail, 'size'), message: 'duration must annotate a fixed of size 12' });
  }
}
