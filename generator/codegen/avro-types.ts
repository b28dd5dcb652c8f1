import { describeBranch, isAmbiguousUnion, isPrimitiveName, isValidDecimal, qualify, unionTags, type NamedTypeInfo } from '../../runtime/codec/avro-unions.js';
import type { EventVersion } from '../contracts/model.js';
import { tag } from './docs.js';
import type { DeclModel, EventTypes, FieldModel, TypeExpr } from './model.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

/**
 * Avro → code model. Types describe exactly what herald's runtime hands over (runtime/codec/avro.ts):
 * records → interfaces, enums → string literal unions, fixed and bytes → Buffer, arrays, maps →
 * Record<string, T>, `["null", T]` → `T | null`, ambiguous unions → `{ kind, value }` tags,
 * long → number, decimal → decimal string, other logical types → their base type.
 */

interface Named {
  key: string;
  info: NamedTypeInfo;
  /** What a reference by name yields (a decimal fixed referenced by name is its plain fixed, as in avsc). */
  ref: TypeExpr;
}

const LOGICAL_NOTES: Record<string, string> = {
  'timestamp-millis': 'Avro `timestamp-millis`: milliseconds since the Unix epoch, UTC.',
  'timestamp-micros': 'Avro `timestamp-micros`: microseconds since the Unix epoch, UTC (exact up to the year 2255).',
  'local-timestamp-millis': 'Avro `local-timestamp-millis`: milliseconds since 1970-01-01T00:00 in local time.',
  'local-timestamp-micros': 'Avro `local-timestamp-micros`: microseconds since 1970-01-01T00:00 in local time.',
  date: 'Avro `date`: days since 1970-01-01.',
  'time-millis': 'Avro `time-millis`: milliseconds after midnight.',
  'time-micros': 'Avro `time-micros`: microseconds after midnight.',
  uuid: 'Avro `uuid`: a UUID string.',
};

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NULL: TypeExpr = { kind: 'keyword', name: 'null' };

export function avroEventTypes(event: EventVersion): EventTypes {
  const decls: DeclModel[] = [];
  const named = new Map<string, Named>();
  const rootKey = `event:${event.label}`;

  function primitive(name: string): TypeExpr {
    switch (name) {
      case 'null':
        return NULL;
      case 'boolean':
        return { kind: 'keyword', name: 'boolean' };
      case 'bytes':
        return { kind: 'keyword', name: 'Buffer' };
      case 'string':
        return { kind: 'keyword', name: 'string' };
      default:
        return { kind: 'keyword', name: 'number' };
    }
  }

  function typeOf(schema: Json, namespace: string | undefined, notes: string[]): TypeExpr {
    if (typeof schema === 'string') {
      if (isPrimitiveName(schema)) {
        if (schema === 'long') notes.push('Avro `long`, read as a JavaScript number (safe up to 2^53).');
        return primitive(schema);
      }
      const found = named.get(qualify(schema, namespace));
      if (!found) throw new Error(`${event.file}: undefined Avro type ${schema}`);
      return found.ref;
    }
    if (Array.isArray(schema)) return unionOf(schema, namespace, notes);
    if (!isObject(schema)) throw new Error(`${event.file}: unexpected Avro schema ${JSON.stringify(schema)}`);
    const type = schema['type'];
    if (typeof type !== 'string') return typeOf(type, namespace, notes);
    const logical = typeof schema['logicalType'] === 'string' ? schema['logicalType'] : undefined;
    switch (type) {
      case 'record':
      case 'error':
        return record(schema, namespace);
      case 'enum':
        return enumeration(schema, namespace);
      case 'fixed':
        return fixed(schema, namespace, notes);
      case 'array':
        return { kind: 'array', items: typeOf(schema['items'], namespace, notes) };
      case 'map':
        return { kind: 'map', values: typeOf(schema['values'], namespace, notes) };
      default: {
        if (!isPrimitiveName(type)) return typeOf(type, namespace, notes);
        if (logical === 'decimal' && type === 'bytes' && isValidDecimal(schema)) {
          notes.push(decimalNote(schema));
          return { kind: 'keyword', name: 'string' };
        }
        if (logical && LOGICAL_NOTES[logical]) notes.push(LOGICAL_NOTES[logical]!);
        else if (type === 'long') notes.push('Avro `long`, read as a JavaScript number (safe up to 2^53).');
        return primitive(type);
      }
    }
  }

  function decimalNote(schema: JsonObject): string {
    const scale = Number(schema['scale'] ?? 0);
    const example = scale > 0 ? `"1234.${'5'.padEnd(scale, '0')}"` : '"1234"';
    return `Avro \`decimal(${String(schema['precision'])}, ${scale})\`: a decimal string such as ${example}; decoded values have exactly ${scale} fraction digits.`;
  }

  function fullNameOf(schema: JsonObject, namespace: string | undefined): { fullName: string; namespace: string | undefined } {
    const name = String(schema['name']);
    const ns = typeof schema['namespace'] === 'string' ? schema['namespace'] || undefined : namespace;
    const fullName = qualify(name, ns);
    return { fullName, namespace: fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : undefined };
  }

  function record(schema: JsonObject, namespace: string | undefined): TypeExpr {
    const { fullName, namespace: inner } = fullNameOf(schema, namespace);
    const isRoot = fullName === event.type && !named.has(fullName);
    const key = isRoot ? rootKey : `avro:${fullName}@${event.label}`;
    const ref: TypeExpr = { kind: 'ref', key };
    named.set(fullName, { key, info: { typeName: 'record', logical: false }, ref });
    const decl: DeclModel = {
      kind: 'interface',
      key,
      family: isRoot ? `event:${event.type}` : `avro:${fullName}`,
      baseName: isRoot ? `${event.name}V${event.version}` : fullName.slice(fullName.lastIndexOf('.') + 1),
      doc: typeof schema['doc'] === 'string' ? schema['doc'] : undefined,
      notes: [],
      fields: [],
    };
    decls.push(decl);
    const fields = Array.isArray(schema['fields']) ? schema['fields'] : [];
    decl.fields = fields.filter(isObject).map((field): FieldModel => {
      const notes: string[] = [];
      const type = typeOf(field['type'], inner, notes);
      const hasDefault = 'default' in field;
      if (hasDefault) notes.push(tag('defaultValue', defaultText(field['default'], field['type'])));
      return {
        name: String(field['name']),
        type,
        optional: false,
        inputOptional: hasDefault,
        doc: typeof field['doc'] === 'string' ? field['doc'] : undefined,
        notes: dedupe(notes),
      };
    });
    return ref;
  }

  function enumeration(schema: JsonObject, namespace: string | undefined): TypeExpr {
    const { fullName } = fullNameOf(schema, namespace);
    const key = `avro:${fullName}@${event.label}`;
    const ref: TypeExpr = { kind: 'ref', key };
    named.set(fullName, { key, info: { typeName: 'enum', logical: false }, ref });
    const notes: string[] = [];
    if (typeof schema['default'] === 'string') notes.push(`Readers map symbols they do not know to \`${schema['default']}\`.`);
    decls.push({
      kind: 'enum',
      key,
      family: `avro:${fullName}`,
      baseName: fullName.slice(fullName.lastIndexOf('.') + 1),
      doc: typeof schema['doc'] === 'string' ? schema['doc'] : undefined,
      notes,
      symbols: (Array.isArray(schema['symbols']) ? schema['symbols'] : []).map(String),
    });
    return ref;
  }

  function fixed(schema: JsonObject, namespace: string | undefined, notes: string[]): TypeExpr {
    const { fullName } = fullNameOf(schema, namespace);
    const key = `avro:${fullName}@${event.label}`;
    const ref: TypeExpr = { kind: 'ref', key };
    const decimal = schema['logicalType'] === 'decimal' && isValidDecimal(schema);
    named.set(fullName, { key, info: { typeName: 'fixed', logical: false }, ref });
    decls.push({
      kind: 'alias',
      key,
      family: `avro:${fullName}`,
      baseName: fullName.slice(fullName.lastIndexOf('.') + 1),
      doc: typeof schema['doc'] === 'string' ? schema['doc'] : undefined,
      notes: [`Avro \`fixed\`: a Buffer of exactly ${String(schema['size'])} bytes.`],
      type: { kind: 'keyword', name: 'Buffer' },
    });
    if (decimal) {
      // avsc applies the logical type where the fixed is defined; a reference by name reads the plain fixed.
      notes.push(decimalNote(schema));
      return { kind: 'keyword', name: 'string' };
    }
    return ref;
  }

  function unionOf(branches: Json[], namespace: string | undefined, notes: string[]): TypeExpr {
    const described = branches.map((branch) =>
      describeBranch(branch, namespace, (fullName) => {
        const found = named.get(fullName);
        // Named types defined inside this very union are not registered yet; avsc builds branches first.
        return found?.info;
      }),
    );
    // Branches must be walked first (they may define named types the bucket rule looks up).
    const types = branches.map((branch) => typeOf(branch, namespace, notes));
    const redescribed = branches.map((branch, i) =>
      typeof branch === 'string' ? describeBranch(branch, namespace, (n) => named.get(n)?.info) : described[i]!,
    );
    if (!isAmbiguousUnion(redescribed)) {
      const members = types.filter((t) => t !== NULL && !(t.kind === 'keyword' && t.name === 'null'));
      const hasNull = members.length !== types.length;
      return members.length === 1 && !hasNull ? members[0]! : { kind: 'union', members: hasNull ? [...members, NULL] : members };
    }
    const tags = unionTags(redescribed.map((b) => b.name));
    const members: TypeExpr[] = [];
    let hasNull = false;
    types.forEach((type, i) => {
      if (redescribed[i]!.name === 'null') hasNull = true;
      else members.push({ kind: 'tagged', tag: tags[i]!, value: type });
    });
    if (hasNull) members.push(NULL);
    return { kind: 'union', members };
  }

  const root = event.schema;
  if (!isObject(root) || root['type'] !== 'record') throw new Error(`${event.file}: the event is not an Avro record`);
  typeOf(root, undefined, []);
  return { root: rootKey, decls };
}

function dedupe(notes: string[]): string[] {
  return [...new Set(notes)];
}

function defaultText(value: Json, type: Json): string {
  const base = Array.isArray(type) ? type[0] : type;
  if (isObject(base) && base['logicalType'] === 'decimal' && typeof value === 'string' && base['type'] === 'bytes') {
    let unscaled = 0n;
    for (const char of value) unscaled = (unscaled << 8n) | BigInt(char.charCodeAt(0) & 0xff);
    if (value.length && value.charCodeAt(0) & 0x80) unscaled -= 1n << BigInt(8 * value.length);
    const scale = Number(base['scale'] ?? 0);
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
    const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
    return JSON.stringify(unscaled < 0n ? `-${text}` : text);
  }
  return JSON.stringify(value);
}
