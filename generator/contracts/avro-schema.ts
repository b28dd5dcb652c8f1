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

/** A node of a (valid) Avro schema as met in a depth-first walk that visits each named type once. */
export interface AvroNode {
  node: Json;
  pointer: string;
  namespace: string | undefined;
}

/** Walks every schema node of a valid Avro schema; named types are entered at their definition only. */
export function walkAvro(schema: Json, visit: (node: AvroNode) => void): void {
  const step = (node: Json, pointer: string, namespace: string | undefined): void => {
    visit({ node, pointer, namespace });
    if (Array.isArray(node)) {
      node.forEach((branch, i) => step(branch, joinPointer(pointer, i), namespace));
      return;
    }
    if (!isObject(node)) return;
    const type = node['type'];
    const own = type === 'record' || type === 'error' || type === 'enum' || type === 'fixed' ? namespaceOf(node, namespace) : namespace;
    if ((type === 'record' || type === 'error') && Array.isArray(node['fields'])) {
      node['fields'].forEach((field, i) => {
        if (isObject(field)) step(field['type'], joinPointer(pointer, 'fields', i, 'type'), own);
      });
    } else if (type === 'array') {
      step(node['items'], joinPointer(pointer, 'items'), namespace);
    } else if (type === 'map') {
      step(node['values'], joinPointer(pointer, 'values'), namespace);
    } else if (isObject(type) || Array.isArray(type)) {
      step(type, joinPointer(pointer, 'type'), namespace);
    }
  };
  step(schema, '', undefined);
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

/**
 * Avro readers silently ignore a logical type they find invalid and fall back to the base type,
 * so a typo here would ship raw bytes where the author meant a decimal. Reject it up front.
 */
export function checkLogicalTypes(schema: Json): AvroProblem[] {
  const problems: AvroProblem[] = [];
  walkAvro(schema, ({ node, pointer }) => {
    if (!isObject(node) || typeof node['logicalType'] !== 'string') return;
    const logical = node['logicalType'];
    const base = node['type'];
    const bases = LOGICAL_BASES[logical];
    const at = joinPointer(pointer, 'logicalType');
    if (!bases) {
      problems.push({ pointer: at, message: `unknown logical type "${logical}"; expected one of ${Object.keys(LOGICAL_BASES).join(', ')}` });
      return;
    }
    if (typeof base !== 'string' || !bases.includes(base)) {
      problems.push({ pointer: at, message: `logical type "${logical}" must annotate ${bases.join(' or ')}, not ${JSON.stringify(base)}` });
      return;
    }
    if (logical === 'decimal') {
      const precision = node['precision'];
      const scale = node['scale'] ?? 0;
      if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
        problems.push({ pointer: joinPointer(pointer, 'precision'), message: 'decimal needs an integer "precision" of at least 1' });
      } else if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
        problems.push({ pointer: joinPointer(pointer, 'scale'), message: `decimal "scale" must be an integer from 0 to the precision (${precision})` });
      } else if (base === 'fixed' && typeof node['size'] === 'number' && precision > Math.floor(Math.log10(2) * (8 * node['size'] - 1))) {
        problems.push({ pointer: joinPointer(pointer, 'precision'), message: `a fixed of ${node['size']} bytes cannot hold a decimal of precision ${precision}` });
      }
    }
    if (logical === 'duration' && node['size'] !== 12) {
      problems.push({ pointer: joinPointer(pointer, 'size'), message: 'duration must annotate a fixed of size 12' });
    }
  });
  return problems;
}

export interface AvroField {
  name: string;
  type: Json;
  doc?: string;
  pointer: string;
}

/** Fields of every record in the schema (each named record once), for doc and key checks. */
export function recordFields(schema: Json): { record: JsonObject; pointer: string; fields: AvroField[] }[] {
  const records: { record: JsonObject; pointer: string; fields: AvroField[] }[] = [];
  walkAvro(schema, ({ node, pointer }) => {
    if (!isObject(node) || (node['type'] !== 'record' && node['type'] !== 'error') || !Array.isArray(node['fields'])) return;
    const fields = node['fields'].filter(isObject).map((field, i) => ({
      name: String(field['name']),
      type: field['type'],
      ...(typeof field['doc'] === 'string' ? { doc: field['doc'] } : {}),
      pointer: joinPointer(pointer, 'fields', i),
    }));
    records.push({ record: node, pointer, fields });
  });
  return records;
}
