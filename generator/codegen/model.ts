/**
 * The typed code model: what the emitter prints, independent of the schema language it came from.
 * Avro and JSON Schema are each translated into it (avro-types.ts, json-types.ts); the domain
 * stage (domain.ts) merges the declarations of all versions, names them and decides which need an
 * `…Input` variant; the emitter (emit.ts) prints it through the templates.
 */

/** A TypeScript type expression. `ref` points at a declaration by its key. */
export type TypeExpr =
  | { kind: 'keyword'; name: 'string' | 'number' | 'boolean' | 'null' | 'unknown' | 'never' | 'Buffer' }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'array'; items: TypeExpr }
  /** `[A, B?]`: elements past `required` are optional; `rest` types further elements. */
  | { kind: 'tuple'; items: TypeExpr[]; required: number; rest?: TypeExpr }
  | { kind: 'map'; values: TypeExpr }
  | { kind: 'union'; members: TypeExpr[] }
  | { kind: 'intersection'; members: TypeExpr[] }
  | { kind: 'object'; fields: FieldModel[]; index?: TypeExpr }
  | { kind: 'tagged'; tag: string; value: TypeExpr }
  | { kind: 'ref'; key: string };

export interface FieldModel {
  /** The property name as on the wire (quoted in TypeScript when it is not an identifier). */
  name: string;
  type: TypeExpr;
  /** May be absent in a decoded value. */
  optional: boolean;
  /** May be left out when publishing (it has a default the reader or encoder fills in). */
  inputOptional: boolean;
  doc?: string;
  /** Lines for the JSDoc beyond the doc itself (logical type, format, default). */
  notes: string[];
}

/** A named declaration in a domain's `types.ts`. */
export type DeclModel = InterfaceDecl | AliasDecl | EnumDecl;

interface DeclBase {
  /** Identity before naming, e.g. `avro:com.acme.order.Address` or `json:OrderPlaced.v1#/$defs/Money`. */
  key: string;
  /** The family it belongs to: all shapes of one named type across versions (`avro:com.acme.order.Address`). */
  family: string;
  /** The name the schema gives it (`Address`), the base of its TypeScript name. */
  baseName: string;
  doc?: string;
  notes: string[];
}

export interface InterfaceDecl extends DeclBase {
  kind: 'interface';
  fields: FieldModel[];
  /** An index signature, for open JSON objects with an `additionalProperties` schema. */
  index?: TypeExpr;
  /** Extra constraints joined with `&` (JSON Schema `allOf`/`anyOf`/`oneOf` beside `properties`). */
  also?: TypeExpr;
}

export interface AliasDecl extends DeclBase {
  kind: 'alias';
  type: TypeExpr;
}

export interface EnumDecl extends DeclBase {
  kind: 'enum';
  symbols: Array<string | number | boolean | null>;
}

/** What the type stage produces for one event version. */
export interface EventTypes {
  /** Key of the root declaration. */
  root: string;
  /** Every declaration the version uses, root first, in schema order. */
  decls: DeclModel[];
}

/** A declaration after merging and naming. */
export interface NamedDecl {
  decl: DeclModel;
  name: string;
  /** Name of the `…Input` variant, when publishing may leave fields out. */
  inputName?: string;
}

export interface EventVersionModel {
  version: number;
  /** `ProjectCreatedV2` */
  typeName: string;
  /** `ProjectCreatedV2Input` */
  inputName: string;
  /** Whether the input type differs from the decoded type. */
  inputDiffers: boolean;
  /** Codec constant, `projectCreatedV2`. */
  codecName: string;
  label: string;
  type: string;
  subject: string;
  format: 'avro' | 'json';
  schemaText: string;
  file: string;
  doc?: string;
  /** JSON Schema only: the validator export name and the defaults plan. */
  validatorName?: string;
  defaults?: { root: string; plans: Record<string, unknown> };
}

export interface EventModel {
  /** `ProjectCreated` */
  name: string;
  /** `com.acme.project.ProjectCreated` */
  type: string;
  /** `projectCreated`: the method name on publish/outbox clients. */
  methodName: string;
  versions: EventVersionModel[];
  latest: EventVersionModel;
  doc?: string;
}

export interface DomainModel {
  name: string;
  /** `Project`: prefix of domain-level names (`ProjectEvent`, `createProjectEvents`). */
  pascal: string;
  topic: string;
  key: string;
  namespace: string;
  description?: string;
  /** Declarations in emission order. */
  decls: NamedDecl[];
  /** Family aliases: the plain name of a family with several shapes, pointing at its latest. */
  familyAliases: Array<{ name: string; target: string; inputName?: string; targetInput?: string; doc?: string }>;
  events: EventModel[];
  /** Name lookup from declaration key, for rendering references. */
  names: Map<string, NamedDecl>;
  hasJson: boolean;
  hasAvro: boolean;
}
