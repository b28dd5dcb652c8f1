/**
 * JSON Schema text as Confluent keeps it: compact JSON in the author's key order (sorted keys
 * with `normalize`), validated by ajv against the draft it declares, with referenced schemas
 * available under their reference names.
 */
import { Ajv, type Options } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';

export interface JsonSchemaDependency {
  /** The reference name, which is what a `$ref` uses to reach it. */
  name: string;
  schema: unknown;
}

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

const DRAFT_OF: Record<string, 'draft-06' | 'draft-07' | '2019-09' | '2020-12' | 'unchecked'> = {
  'http://json-schema.org/draft-04/schema': 'unchecked',
  'http://json-schema.org/draft-06/schema': 'draft-06',
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
};

/**
 * Patterns are Java regular expressions in Confluent; some (possessive quantifiers, `\p{Alpha}`)
 * are not valid in JavaScript. Registering must not depend on that, so such a pattern is
 * accepted here and left for the validating client to judge.
 */
const tolerantRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    try {
      return new RegExp(pattern, flags);
    } catch {
      return /(?:)/;
    }
  },
  { code: 'new RegExp' },
);

function ajvFor(draft: 'draft-06' | 'draft-07' | '2019-09' | '2020-12'): AnyAjv {
  const options: Options = {
    strict: false,
    validateFormats: false,
    allowUnionTypes: true,
    unicodeRegExp: false,
    logger: false,
    code: { regExp: tolerantRegExp },
  };
  // A fresh instance per schema: references and `$id`s of one registration must not leak into the next.
  if (draft === '2020-12') return new Ajv2020(options);
  if (draft === '2019-09') return new Ajv2019(options);
  return new Ajv(options);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutDialect(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** Returns what is wrong with the schema, or undefined when it is a valid JSON Schema. */
export function validateJsonSchema(schema: unknown, dependencies: readonly JsonSchemaDependency[]): string | undefined {
  if (typeof schema === 'boolean') return undefined;
  if (!isObject(schema)) return 'a JSON Schema must be an object or a boolean';
  const dialect = schema['$schema'];
  const draft = typeof dialect === 'string' ? DRAFT_OF[dialect.replace(/#$/, '')] ?? 'unchecked' : 'draft-07';
  if (draft === 'unchecked') return undefined;
  const ajv = ajvFor(draft);
  // Draft 6 is draft 7 minus a few keywords; ajv checks it against the draft 7 meta-schema.
  const checked = draft === 'draft-06' ? withoutDialect(schema) : schema;
  try {
    if (!ajv.validateSchema(checked as object)) return ajv.errorsText(ajv.errors, { dataVar: 'schema' });
  } catch (error) {
    return messageOf(error);
  }
  const base = typeof schema['$id'] === 'string' ? schema['$id'] : undefined;
  for (const dep of dependencies) {
    const keys = new Set([dep.name]);
    if (base) {
      try {
        keys.add(new URL(dep.name, base).href);
      } catch {
        // A base that is not a URL resolves nothing relative to it.
      }
    }
    for (const key of keys) {
      try {
        ajv.addSchema(withoutDialect(dep.schema) as object, key, undefined, false);
      } catch {
        // Already present under its own `$id` or reached twice through the reference graph.
      }
    }
  }
  try {
    ajv.compile(checked as object);
  } catch (error) {
    return messageOf(error);
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
