import path from 'node:path';
import type { Diagnostics, LintRuleId } from './diagnostics.js';
import { canonicalJson, fingerprint } from './canonical.js';
import { inspectAvro, namespaceOf, validateAvro } from './avro-schema.js';
import { parseSchemaFileName, schemaFileName } from './file-name.js';
import { readJsonFile, relativeFile } from './files.js';
import { declaredProperties, isObject, resolveLocalRef, validateJsonSchema } from './json-schema.js';
import type { Domain, EventVersion, ProjectConfig } from './model.js';
import { subjectName } from './subject.js';

type Report = (rule: LintRuleId, pointer: string, message: string) => void;
type Wants = (rule: LintRuleId) => boolean;

/** Loads one schema file into an event version, reporting everything wrong with it. */
export async function loadEvent(
  config: ProjectConfig,
  domain: Domain,
  absoluteFile: string,
  diagnostics: Diagnostics,
): Promise<EventVersion | undefined> {
  const file = relativeFile(config.root, absoluteFile);
  const fileName = path.basename(absoluteFile);
  const parsedName = parseSchemaFileName(fileName);
  if (!parsedName) {
    diagnostics.report(
      'FILE_NAME_INVALID',
      { file, pointer: '' },
      `"${fileName}" is not a schema file name; expected <EventName>.v<N>.avsc or <EventName>.v<N>.schema.json (EventName in PascalCase, N from 1)`,
    );
    return undefined;
  }
  const source = await readJsonFile(config.root, absoluteFile, diagnostics);
  if (!source) return undefined;
  const report: Report = (rule, pointer, message) => {
    if (diagnostics.wants(rule)) diagnostics.report(rule, { file, pointer, ...source.position(pointer) }, message);
  };
  const wants = (rule: LintRuleId): boolean => diagnostics.wants(rule);

  const { name, version, format } = parsedName;
  const label = `${name}.v${version}`;
  const checked =
    format === 'avro'
      ? checkAvroEvent(source.value, name, domain, report, wants)
      : checkJsonEvent(source.value, name, version, domain, report, wants);
  if (!checked) return undefined;

  // Computed on first use: code generation never reads them, the lock file and the registry do.
  let canonical: string | undefined;
  let fingerprinted: string | undefined;
  const canonicalText = (): string => (canonical ??= canonicalJson(source.value));
  return {
    domain: domain.name,
    name,
    namespace: domain.namespace,
    type: `${domain.namespace}.${name}`,
    version,
    format,
    topic: domain.topic,
    key: domain.key,
    compatibility: domain.compatibility,
    subject: subjectName(config.subjectNameStrategy, domain.topic, `${domain.namespace}.${name}`),
    schema: source.value,
    text: source.text,
    get canonical() {
      return canonicalText();
    },
    get fingerprint() {
      return (fingerprinted ??= fingerprint(canonicalText()));
    },
    ...(checked.doc !== undefined ? { doc: checked.doc } : {}),
    file,
    label,
  };
}

/** Returns the event's doc when the schema is usable as an event, `undefined` when it is not. */
function checkAvroEvent(schema: unknown, name: string, domain: Domain, report: Report, wants: Wants): { doc?: string } | undefined {
  const invalid = validateAvro(schema);
  if (invalid) {
    report('AVRO_INVALID', invalid.pointer, `invalid Avro schema: ${invalid.message}`);
    return undefined;
  }
  let usable = true;
  const { logicalProblems, records } = inspectAvro(schema);
  for (const problem of logicalProblems) {
    report('AVRO_LOGICAL_TYPE_INVALID', problem.pointer, problem.message);
    usable = false;
  }
  if (!isObject(schema) || schema['type'] !== 'record') {
    report('EVENT_NOT_RECORD', isObject(schema) ? '/type' : '', 'an event schema must be an Avro record');
    return undefined;
  }
  const declared = String(schema['name']);
  const shortName = declared.slice(declared.lastIndexOf('.') + 1);
  if (shortName !== name) {
    report('SCHEMA_NAME_MISMATCH', '/name', `record name "${shortName}" does not match the file name, which says "${name}"`);
    usable = false;
  }
  const namespace = namespaceOf(schema, undefined);
  if (namespace !== domain.namespace) {
    report(
      'NAMESPACE_MISMATCH',
      typeof schema['namespace'] === 'string' ? '/namespace' : '/name',
      `namespace "${namespace ?? ''}" differs from domain "${domain.name}"'s namespace "${domain.namespace}"`,
    );
    usable = false;
  }
  const top = records[0];
  const keyField = top?.fields.find((f) => f.name === domain.key);
  if (!keyField) {
    report('KEY_FIELD_MISSING', '/fields', `has no field "${domain.key}", the key of domain "${domain.name}" (every event of a domain carries its key)`);
    usable = false;
  } else if (!isAvroString(keyField.type)) {
    report('KEY_FIELD_NOT_STRING', `${keyField.pointer()}/type`, `key field "${domain.key}" is ${JSON.stringify(keyField.type)}; a partition key must be a non-null "string"`);
    usable = false;
  }
  if (typeof schema['doc'] !== 'string' || schema['doc'].trim() === '') {
    report('EVENT_DOC_MISSING', '/name', `record "${shortName}" has no "doc"`);
  }
  for (const record of wants('FIELD_DOC_MISSING') ? records : []) {
    for (const field of record.fields) {
      if (!field.doc?.trim()) report('FIELD_DOC_MISSING', field.pointer(), `field "${field.name}" of record "${String(record.record['name'])}" has no "doc"`);
    }
  }
  if (!usable) return undefined;
  return typeof schema['doc'] === 'string' ? { doc: schema['doc'] } : {};
}

function isAvroString(type: unknown): boolean {
  return type === 'string' || (isObject(type) && type['type'] === 'string');
}

function checkJsonEvent(
  schema: unknown,
  name: string,
  version: number,
  domain: Domain,
  report: Report,
  wants: Wants,
): { doc?: string } | undefined {
  const problems = validateJsonSchema(schema);
  for (const problem of problems) report('JSON_SCHEMA_INVALID', problem.pointer, `invalid JSON Schema: ${problem.message}`);
  if (problems.length > 0 || !isObject(schema)) return undefined;
  if (schema['type'] !== 'object') {
    report('EVENT_NOT_RECORD', schema['type'] === undefined ? '' : '/type', 'an event schema must have "type": "object"');
    return undefined;
  }
  let usable = true;
  if (schema['title'] !== name) {
    report('SCHEMA_NAME_MISMATCH', schema['title'] === undefined ? '' : '/title', `title ${JSON.stringify(schema['title'])} does not match the file name, which says "${name}"`);
    usable = false;
  }
  const id = schema['$id'];
  if (typeof id === 'string') {
    const last = id.replace(/[#?].*$/, '').split('/').pop() ?? '';
    const idName = /^(.*)\.v([0-9]+)\.schema\.json$/.exec(last);
    const expected = schemaFileName(name, version, 'json');
    if (!idName) {
      report('SCHEMA_VERSION_MISMATCH', '/$id', `$id must end with "${expected}" so that the version it names is explicit`);
      usable = false;
    } else if (idName[1] !== name) {
      report('SCHEMA_NAME_MISMATCH', '/$id', `$id names "${idName[1] ?? ''}", but the file name says "${name}"`);
      usable = false;
    } else if (Number(idName[2]) !== version) {
      report('SCHEMA_VERSION_MISMATCH', '/$id', `$id says version ${idName[2] ?? ''}, but the file name says version ${version}`);
      usable = false;
    }
  }
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  const keySchema = resolveLocalRef(schema, properties[domain.key]);
  const required = Array.isArray(schema['required']) ? schema['required'] : [];
  if (keySchema === undefined) {
    report('KEY_FIELD_MISSING', schema['properties'] === undefined ? '' : '/properties', `has no property "${domain.key}", the key of domain "${domain.name}" (every event of a domain carries its key)`);
    usable = false;
  } else if (!required.includes(domain.key)) {
    report('KEY_FIELD_MISSING', schema['required'] === undefined ? `/properties/${domain.key}` : '/required', `key property "${domain.key}" must be listed in "required": a partition key cannot be absent`);
    usable = false;
  } else if (!isObject(keySchema) || !(keySchema['type'] === 'string' || (Array.isArray(keySchema['type']) && keySchema['type'].length === 1 && keySchema['type'][0] === 'string'))) {
    report('KEY_FIELD_NOT_STRING', `/properties/${domain.key}`, `key property "${domain.key}" must have "type": "string"`);
    usable = false;
  }
  if (typeof schema['description'] !== 'string' || schema['description'].trim() === '') {
    report('EVENT_DOC_MISSING', schema['title'] === undefined ? '' : '/title', `schema "${name}" has no "description"`);
  }
  for (const property of wants('FIELD_DOC_MISSING') ? declaredProperties(schema) : []) {
    const described = (node: unknown): boolean => isObject(node) && typeof node['description'] === 'string' && node['description'].trim() !== '';
    if (!described(property.schema) && !described(resolveLocalRef(schema, property.schema))) {
      report('FIELD_DOC_MISSING', property.pointer, `property "${property.name}" has no "description"`);
    }
  }
  if (!usable) return undefined;
  return typeof schema['description'] === 'string' ? { doc: schema['description'] } : {};
}

