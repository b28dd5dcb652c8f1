/**
 * A deterministic synthetic contract tree for the docs benchmark and the docs tests at scale:
 * domains alternating Avro and JSON Schema, events with one to five versions that evolve the
 * way real ones do (optional fields added with defaults, enum symbols added), nested records,
 * unions, maps, arrays, logical types and `$ref`s. Every version lints clean and every step is
 * compatible at the domain's level.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mulberry32 } from '../support/random.js';

export interface CorpusOptions {
  /** Total schema files (event versions) to write. */
  schemas: number;
  /** Domains to spread them over. */
  domains?: number;
  seed?: number;
}

export interface CorpusSummary {
  domains: number;
  events: number;
  schemas: number;
  bytes: number;
}

const WORDS = ['account', 'asset', 'billing', 'booking', 'catalog', 'claim', 'content', 'delivery', 'device', 'document', 'inventory', 'invoice', 'ledger', 'loyalty', 'media', 'member', 'message', 'policy', 'pricing', 'profile', 'quote', 'rating', 'report', 'review', 'route', 'shipment', 'subscription', 'support', 'survey', 'task', 'tenant', 'ticket', 'timesheet', 'training', 'vehicle', 'voucher', 'warehouse', 'wallet', 'workflow', 'zone'];
const VERBS = ['Created', 'Updated', 'Archived', 'Approved', 'Rejected', 'Assigned', 'Closed', 'Reopened', 'Scheduled', 'Cancelled', 'Completed', 'Expired', 'Renewed', 'Flagged', 'Merged', 'Split', 'Imported', 'Exported', 'Verified', 'Suspended'];
const FIELD_WORDS = ['amount', 'label', 'note', 'region', 'channel', 'score', 'count', 'reference', 'source', 'owner', 'category', 'priority', 'comment', 'level', 'status', 'code', 'weight', 'rank', 'stage', 'origin', 'target', 'reason', 'quantity', 'limit', 'ratio'];


type Kind = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'timestamp' | 'uuid' | 'enum' | 'nullable' | 'array' | 'map' | 'decimal' | 'record';
const KINDS: Kind[] = ['string', 'int', 'long', 'double', 'boolean', 'timestamp', 'uuid', 'enum', 'nullable', 'array', 'map', 'decimal', 'record'];

interface FieldSpec {
  name: string;
  kind: Kind;
  doc: string;
  symbols?: string[];
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function avroType(field: FieldSpec, eventName: string): unknown {
  switch (field.kind) {
    case 'string':
      return 'string';
    case 'int':
      return 'int';
    case 'long':
      return 'long';
    case 'double':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return { type: 'long', logicalType: 'timestamp-millis' };
    case 'uuid':
      return { type: 'string', logicalType: 'uuid' };
    case 'enum':
      return { type: 'enum', name: `${capital(field.name)}${eventName}Kind`, doc: `Kinds of ${field.name}; UNKNOWN is the default for symbols a reader does not know.`, symbols: field.symbols, default: 'UNKNOWN' };
    case 'nullable':
      return ['null', 'string'];
    case 'array':
      return { type: 'array', items: 'string' };
    case 'map':
      return { type: 'map', values: 'long' };
    case 'decimal':
      return { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 };
    case 'record':
      return {
        type: 'record',
        name: `${capital(field.name)}Detail`,
        doc: `Details of ${field.name}.`,
        fields: [
          { name: 'code', type: 'string', doc: 'Short code, e.g. "AB-12".' },
          { name: 'value', type: ['null', 'double'], default: null, doc: 'Measured value, or null.' },
          { name: 'tags', type: { type: 'array', items: 'string' }, default: [], doc: 'Free-form tags.' },
        ],
      };
  }
}

function jsonType(field: FieldSpec): Record<string, unknown> {
  switch (field.kind) {
    case 'string':
      return { type: 'string', maxLength: 200, description: field.doc };
    case 'int':
    case 'long':
      return { type: 'integer', minimum: 0, description: field.doc };
    case 'double':
      return { type: 'number', description: field.doc };
    case 'boolean':
      return { type: 'boolean', description: field.doc };
    case 'timestamp':
      return { type: 'string', format: 'date-time', description: field.doc };
    case 'uuid':
      return { type: 'string', format: 'uuid', description: field.doc };
    case 'enum':
      return { type: 'string', enum: field.symbols, description: field.doc };
    case 'nullable':
      return { type: ['string', 'null'], description: field.doc };
    case 'array':
      return { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,30}$' }, maxItems: 20, description: field.doc };
    case 'map':
      return { type: 'object', additionalProperties: { type: 'integer' }, description: field.doc };
    case 'decimal':
      return { $ref: '#/$defs/Money', description: field.doc };
    case 'record':
      return { $ref: '#/$defs/Detail', description: field.doc };
  }
}

const JSON_DEFS = {
  Money: {
    type: 'object',
    description: 'An exact amount of money.',
    properties: {
      value: { type: 'string', pattern: '^-?(0|[1-9][0-9]{0,11})\\.[0-9]{2}$', description: 'Decimal amount, e.g. "1234.50".' },
      currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. "EUR".' },
    },
    required: ['value', 'currency'],
    additionalProperties: false,
  },
  Detail: {
    type: 'object',
    description: 'A detail record.',
    properties: {
      code: { type: 'string', minLength: 1, maxLength: 20, description: 'Short code, e.g. "AB-12".' },
      value: { type: ['number', 'null'], description: 'Measured value, or null.' },
    },
    required: ['code'],
    additionalProperties: false,
  },
};

export async function writeSyntheticCorpus(dir: string, options: CorpusOptions): Promise<CorpusSummary> {
  const rand = mulberry32(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const domainCount = options.domains ?? Math.max(1, Math.round(options.schemas / 50));
  const perDomain = Math.ceil(options.schemas / domainCount);
  await writeFile(path.join(dir, 'herald.json'), JSON.stringify({ schemasDir: 'schemas', outDir: 'generated' }, null, 2));
  let written = 0;
  let events = 0;
  let bytes = 0;
  const domains: string[] = [];
  for (let d = 0; d < domainCount && written < options.schemas; d++) {
    const domain = `${WORDS[d % WORDS.length]}${d >= WORDS.length ? Math.floor(d / WORDS.length) + 1 : ''}`;
    domains.push(domain);
    const format = d % 2 === 0 ? 'avro' : 'json';
    const namespace = `com.synth.${domain}`;
    const key = `${domain}Id`;
    const domainDir = path.join(dir, 'schemas', domain);
    await mkdir(domainDir, { recursive: true });
    const consumers = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => `${pick(WORDS)}-service`))].filter((c) => c !== `${domain}-service`);
    const domainJson = {
      namespace,
      topic: `${domain}.events`,
      key,
      compatibility: 'BACKWARD_TRANSITIVE',
      owner: `${domain}-service`,
      consumers,
      description: `Events of the ${domain} domain, produced by ${domain}-service. Synthetic benchmark data.`,
      docs: { runbook: `https://runbooks.example/${domain}`, notes: [`All ${domain} events share the partition key ${key}.`] },
    };
    await writeFile(path.join(domainDir, 'domain.json'), JSON.stringify(domainJson, null, 2));
    let inDomain = 0;
    for (let e = 0; inDomain < perDomain && written < options.schemas; e++) {
      const name = `${capital(WORDS[(d + e) % WORDS.length]!)}${VERBS[e % VERBS.length]}${e >= VERBS.length ? Math.floor(e / VERBS.length) + 1 : ''}`;
      const versions = Math.min(1 + Math.floor(rand() * 5), perDomain - inDomain, options.schemas - written);
      const fields: FieldSpec[] = [{ name: key, kind: format === 'avro' ? 'uuid' : 'uuid', doc: `Identifier of the ${domain}; the partition key of ${domain}.events.` }];
      const fieldCount = 5 + Math.floor(rand() * 20);
      for (let f = 0; f < fieldCount; f++) {
        const kind = pick(KINDS);
        fields.push({
          name: `${FIELD_WORDS[f % FIELD_WORDS.length]}${f >= FIELD_WORDS.length ? f : ''}`,
          kind,
          doc: `The ${FIELD_WORDS[f % FIELD_WORDS.length]} of the event${rand() < 0.2 ? ', e.g. "sample-' + f + '"' : ''}.`,
          ...(kind === 'enum' ? { symbols: ['UNKNOWN', 'ALPHA', 'BETA', 'GAMMA'] } : {}),
        });
      }
      fields.push({ name: 'occurredAt', kind: 'timestamp', doc: 'When it happened (UTC).' });
      const added: FieldSpec[] = [];
      for (let v = 1; v <= versions; v++) {
        if (v > 1) {
          const extra = 1 + Math.floor(rand() * 3);
          for (let i = 0; i < extra; i++) added.push({ name: `added${v}x${i}`, kind: 'nullable', doc: `Added in v${v}; null when unknown.` });
          const enumField = fields.find((f) => f.kind === 'enum');
          if (enumField && rand() < 0.5) enumField.symbols = [...enumField.symbols!, `DELTA${v}`];
        }
        const doc = `${name}: something happened to a ${domain}.${v > 1 ? ` v${v} adds optional fields.` : ''}`;
        let schema: unknown;
        let file: string;
        if (format === 'avro') {
          schema = {
            type: 'record',
            name,
            namespace,
            doc,
            fields: [
              ...fields.map((f) => ({ name: f.name, type: avroType(f, name), doc: f.doc })),
              ...added.map((f) => ({ name: f.name, type: ['null', 'string'], default: null, doc: f.doc })),
            ],
          };
          file = `${name}.v${v}.avsc`;
        } else {
          const properties: Record<string, unknown> = {};
          for (const f of fields) properties[f.name] = jsonType(f);
          for (const f of added) properties[f.name] = { type: ['string', 'null'], description: f.doc };
          schema = {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            $id: `https://schemas.example/${domain}/${name}.v${v}.schema.json`,
            title: name,
            description: doc,
            type: 'object',
            properties,
            required: fields.filter((f) => f.kind !== 'nullable').map((f) => f.name),
            additionalProperties: false,
            $defs: JSON_DEFS,
          };
          file = `${name}.v${v}.schema.json`;
        }
        const text = JSON.stringify(schema, null, 2) + '\n';
        bytes += Buffer.byteLength(text);
        await writeFile(path.join(domainDir, file), text);
        written++;
        inDomain++;
      }
      events++;
    }
  }
  return { domains: domains.length, events, schemas: written, bytes };
}
