import avro from 'avsc';
import {
  EventDecodeError,
  EventValidationError,
  type EventCodec,
  type EventDefinition,
  type ValidationIssue,
  type WriterSchema,
} from '../api.js';
import { describeBranch, isAmbiguousUnion, unionTags, type NamedTypeInfo } from './avro-unions.js';
import { DecimalType } from './decimal.js';

/** A value of a tagged Avro union: `{ kind: 'CardPayment', value: {...} }`. */
export interface TaggedValue {
  kind: string;
  value: unknown;
}

/** avsc internals this module drives; they are stable since avsc 5 but not in its typings. */
interface Tap {
  readLong(): number;
  writeLong(value: number): void;
}
interface InternalType extends avro.Type {
  _read(tap: Tap): unknown;
  _write(tap: Tap, value: unknown): void;
  _check(value: unknown, flags: unknown, hook: unknown, path: string[]): boolean;
  _branchConstructor: unknown;
  readonly types: InternalType[];
  readonly branchName: string;
  readonly typeName: string;
}
interface InternalResolver {
  _read(tap: Tap): unknown;
}
type AvroResolver = ReturnType<avro.Type["createResolver"]>;
type ErrorHook = (value: unknown, type: avro.Type) => void;

/** Union schemas being turned into a `TaggedUnionType` right now (its underlying union must not be tagged again). */
const building = new Set<unknown>();

/** An ambiguous Avro union read and written as `{ kind, value }` (see avro-unions.ts). */
export class TaggedUnionType extends avro.types.LogicalType {
  readonly tags: readonly string[];
  private readonly indexOfTag: Map<string, number>;
  private readonly branchNames: readonly string[];

  constructor(schema: avro.Schema, opts?: unknown) {
    building.add(schema);
    try {
      super(schema, opts);
    } finally {
      building.delete(schema);
    }
    const union = this.underlyingType as InternalType;
    if (union.typeName !== 'union:wrapped') throw new Error(`herald: expected an ambiguous union, got ${union.typeName}`);
    this.branchNames = union.types.map((t) => t.branchName);
    this.tags = unionTags(this.branchNames).map((tag, i) => (union.types[i]!.typeName === 'null' ? 'null' : tag));
    this.indexOfTag = new Map(this.tags.map((tag, i) => [tag, i]));
    const types = union.types;
    const nullIndex = types.findIndex((t) => t.typeName === 'null');
    const tags = this.tags;
    const indexOfTag = this.indexOfTag;
    const self = this as unknown as InternalType;
    self._read = (tap: Tap) => {
      const index = tap.readLong();
      const type = types[index];
      if (!type) throw new Error('invalid union index');
      if (index === nullIndex) return null;
      return { kind: tags[index]!, value: type._read(tap) };
    };
    self._write = (tap: Tap, value: unknown) => {
      if (value === null) {
        if (nullIndex < 0) throw new Error('null is not a branch of this union');
        tap.writeLong(nullIndex);
        return;
      }
      const tagged = value as TaggedValue;
      const index = typeof value === 'object' ? indexOfTag.get(tagged.kind) : undefined;
      if (index === undefined || index === nullIndex) throw new Error(`invalid union value: ${JSON.stringify(value)}`);
      tap.writeLong(index);
      types[index]!._write(tap, tagged.value);
    };
    self._check = (value: unknown, flags: unknown, hook: ErrorHook | undefined, path: string[]) => {
      if (value === null && nullIndex >= 0) return true;
      const tagged = value as TaggedValue;
      const index = value !== null && typeof value === 'object' ? indexOfTag.get(tagged.kind) : undefined;
      if (index === undefined || index === nullIndex) {
        if (hook) hook(value, this);
        return false;
      }
      if (!hook) return types[index]!._check(tagged.value, flags, hook, path);
      const depth = path.length;
      path.push('value');
      const ok = types[index]!._check(tagged.value, flags, hook, path);
      path.length = depth;
      return ok;
    };
  }

  protected override _fromValue(wrapped: unknown): TaggedValue | null {
    if (wrapped === null) return null;
    for (const name of Object.keys(wrapped as object)) {
      const index = this.branchNames.indexOf(name);
      return { kind: this.tags[index]!, value: (wrapped as Record<string, unknown>)[name] };
    }
    throw new Error('empty union value');
  }

  protected override _toValue(tagged: unknown): unknown {
    if (tagged === null) return null;
    const index = this.indexOfTag.get((tagged as TaggedValue).kind);
    if (index === undefined) return undefined;
    return { [this.branchNames[index]!]: (tagged as TaggedValue).value };
  }

  protected override _resolve(): undefined {
    return undefined;
  }

  /** Resolution reads the writer's branch through the wrapped union, then tags it. */
  _update(resolver: InternalResolver, type: avro.Type, opts: unknown): void {
    const writer = type instanceof TaggedUnionType ? type.underlyingType : type;
    const inner = this.underlyingType.createResolver(writer, opts as never) as unknown as InternalResolver;
    resolver._read = (tap: Tap) => this._fromValue(inner._read(tap));
  }
}

/** avsc's type hook: ambiguous unions become `TaggedUnionType`s. */
function tagAmbiguousUnions(schema: avro.Schema, opts: { namespace?: string; registry: Record<string, avro.Type> }): avro.Type | undefined {
  if (!Array.isArray(schema) || building.has(schema)) return undefined;
  const lookup = (fullName: string): NamedTypeInfo | undefined => {
    const type = opts.registry[fullName] as InternalType | undefined;
    if (!type) return undefined;
    const logical = type.typeName.startsWith('logical:');
    return { typeName: logical ? (type as unknown as avro.types.LogicalType).underlyingType.typeName : type.typeName, logical };
  };
  const branches = schema.map((branch) => describeBranch(branch, opts.namespace || undefined, lookup));
  return isAmbiguousUnion(branches) ? new TaggedUnionType(schema, opts) : undefined;
}

/** The avsc type of a schema as generated code sees its values (decimal strings, tagged unions). */
export function readerType(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, {
    registry: {},
    logicalTypes: { decimal: DecimalType },
    typeHook: tagAmbiguousUnions as never,
  });
}

/** A writer schema parsed only for resolution (its value representation never reaches user code). */
export function writerType(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { registry: {}, logicalTypes: { decimal: DecimalType } });
}

/** Scratch space for `encodeFramed`: avsc writes header room + body here, then one copy leaves. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** Writes `value` after a 5-byte wire-format header into one exactly-sized buffer. */
export function encodeFramedAvro(type: avro.Type, value: unknown, schemaId: number): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
    throw new RangeError(`schema id must be an integer from 0 to 2147483647, got ${schemaId}`);
  }
  let end = type.encode(value, scratch, 5);
  if (end < 0) {
    scratch = Buffer.allocUnsafe(2 * (scratch.length - end));
    end = type.encode(value, scratch, 5);
  }
  const out = Buffer.allocUnsafe(end);
  scratch.copy(out, 0, 0, end);
  out[0] = 0;
  out.writeInt32BE(schemaId, 1);
  return out;
}

/** Issues in a value, with JSON-pointer paths. */
export function avroIssues(type: avro.Type, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  type.isValid(value, {
    errorHook: (path: string[], any: unknown, t: avro.Type) => {
      const where = path.length ? `/${path.join('/')}` : '';
      const expected = t.typeName.startsWith('logical:decimal')
        ? `a decimal string (precision ${(t as DecimalType).precision}, scale ${(t as DecimalType).scale})`
        : t.typeName.startsWith('logical:') ? 'a tagged union value { kind, value }' : describeType(t);
      issues.push({ path: where, message: `expected ${expected}, got ${describeValue(any)}` });
    },
  });
  return issues;
}

function describeType(type: avro.Type): string {
  const name = (type as InternalType).typeName;
  if (name === 'enum') return `one of ${(type as avro.types.EnumType).symbols.map((s) => JSON.stringify(s)).join(', ')}`;
  if (name === 'fixed') return `a Buffer of ${(type as avro.types.FixedType).size} bytes`;
  if (name === 'bytes') return 'a Buffer';
  if (name === 'record' || name === 'error') return `a ${(type as avro.types.RecordType).name ?? 'record'} object`;
  if (name === 'long' || name === 'int') return `an integer (Avro ${name})`;
  if (name.startsWith('union')) return 'a value of one of the union branches';
  return `a ${name}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  const text = JSON.stringify(value);
  return text === undefined ? typeof value : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The codec for one Avro event version. The reader type is built once; a resolver per writer
 * schema id is built on first sight and cached, and a writer identical to this version reads
 * directly without one.
 */
export function avroCodec<T>(definition: EventDefinition): EventCodec<T> {
  const schema: unknown = JSON.parse(definition.schema);
  const type = readerType(schema);
  const canonical = JSON.stringify(writerType(schema).schema());
  const resolvers = new Map<number, AvroResolver | null>();
  const keyField = definition.keyField;

  function invalid(event: unknown, error: unknown): EventValidationError {
    const issues = avroIssues(type, event);
    return new EventValidationError(definition.type, issues.length ? issues : [{ path: '', message: (error as Error).message }]);
  }

  function resolverFor(writer: WriterSchema): AvroResolver | null {
    let resolver = resolvers.get(writer.id);
    if (resolver !== undefined) return resolver;
    if (writer.format !== 'avro') throw new EventDecodeError(`${definition.type}: writer schema ${writer.id} is ${writer.format}, not Avro`);
    if (writer.schema === definition.schema) resolver = null;
    else {
      let written: avro.Type;
      try {
        written = writerType(JSON.parse(writer.schema));
      } catch (error) {
        throw new EventDecodeError(`${definition.type}: writer schema ${writer.id} is not a valid Avro schema`, { cause: error });
      }
      if (JSON.stringify(written.schema()) === canonical) resolver = null;
      else {
        try {
          resolver = type.createResolver(written);
        } catch (error) {
          throw new EventDecodeError(`${definition.type}: cannot read writer schema ${writer.id} as ${definition.name}.v${definition.version}: ${(error as Error).message}`, { cause: error });
        }
      }
    }
    resolvers.set(writer.id, resolver);
    return resolver;
  }

  return {
    ...definition,
    key: (event: T) => (event as Record<string, unknown>)[keyField] as string,
    validate: (event: unknown) => avroIssues(type, event),
    encode(event: T): Buffer {
      try {
        return type.toBuffer(event);
      } catch (error) {
        throw invalid(event, error);
      }
    },
    encodeFramed(event: T, schemaId: number): Buffer {
      try {
        return encodeFramedAvro(type, event, schemaId);
      } catch (error) {
        if (error instanceof RangeError && /schema id/.test(error.message)) throw error;
        throw invalid(event, error);
      }
    },
    decode(body: Buffer, writer: WriterSchema): T {
      const resolver = resolverFor(writer);
      try {
        return (resolver ? type.fromBuffer(body, resolver) : type.fromBuffer(body)) as T;
      } catch (error) {
        throw new EventDecodeError(`${definition.type}: cannot decode ${body.length} bytes written with schema ${writer.id}: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}
