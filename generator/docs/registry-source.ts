/**
 * A registry's subjects as a docs source: each subject is one event's history. A registry knows
 * schemas, versions, ids and levels but not owners, consumers or key fields; when a contract
 * tree is at hand those come from its domains (matched by subject, then by event type), so
 * `herald docs --registry URL` inside a project shows what is registered with the project's docs.
 */
import { isCompatibilityLevel, type CompatibilityLevel } from '../compat/levels.js';
import type { ContractSet } from '../contracts/model.js';
import type { DocsDomain, DocsEvent, DocsSource } from './source.js';

export interface RegisteredVersion {
  version: number;
  id: number;
  /** `AVRO` (also when a registry leaves it out), `JSON` or `PROTOBUF`. */
  schemaType: string;
  /** The schema text as registered. */
  schema: string;
}

export interface RegisteredSubject {
  subject: string;
  /** The level in effect for the subject (its own, else the registry's). */
  compatibility: CompatibilityLevel;
  /** Live versions, oldest first. */
  versions: RegisteredVersion[];
}

/** How the docs read a registry: every live subject with its versions. */
export interface RegistryHistoryReader {
  /** Shown in the footer and the page title, e.g. `registry http://localhost:8081`. */
  describe(): string;
  read(): Promise<RegisteredSubject[]>;
}

/** What the docs need from herald's registry service (structural, so tests can pass a fake). */
export interface RegistryServiceView {
  listSchemas(options: { deleted?: boolean }): Promise<{ subject: string; version: number; id: number; schemaType?: string; schema: string }[]>;
  getConfig(subject: string | undefined, options: { defaultToGlobal?: boolean }): Promise<{ compatibilityLevel?: string }>;
}

/** What the docs need from a REST client of any Confluent-compatible registry. */
export interface RegistryClientView {
  readonly baseUrl: string;
  listSubjects(): Promise<string[]>;
  getHistory(subject: string): Promise<{ version: number; id: number; schemaType?: string; schema: string }[]>;
  getConfig(subject?: string, options?: { defaultToGlobal?: boolean }): Promise<{ compatibilityLevel?: string } | undefined>;
}

function level(value: string | undefined): CompatibilityLevel {
  return isCompatibilityLevel(value) ? value : 'BACKWARD';
}

/** Reads herald's own registry in-process (the `/ui` of `herald registry serve`): one query for every version. */
export function serviceHistoryReader(service: RegistryServiceView, description = 'this registry'): RegistryHistoryReader {
  return {
    describe: () => description,
    async read() {
      const rows = await service.listSchemas({ deleted: false });
      const subjects = new Map<string, RegisteredVersion[]>();
      for (const row of rows) {
        const list = subjects.get(row.subject) ?? [];
        list.push({ version: row.version, id: row.id, schemaType: row.schemaType ?? 'AVRO', schema: row.schema });
        subjects.set(row.subject, list);
      }
      const out: RegisteredSubject[] = [];
      for (const [subject, versions] of subjects) {
        const config = await service.getConfig(subject, { defaultToGlobal: true });
        out.push({ subject, compatibility: level(config.compatibilityLevel), versions: versions.sort((a, b) => a.version - b.version) });
      }
      return out;
    },
  };
}

/** Reads any Confluent-compatible registry over its REST API (subjects, versions, config). */
export function clientHistoryReader(client: RegistryClientView, concurrency = 8): RegistryHistoryReader {
  return {
    describe: () => `registry ${client.baseUrl}`,
    async read() {
      const subjects = [...(await client.listSubjects())].sort();
      const global = await client.getConfig();
      const out: RegisteredSubject[] = new Array(subjects.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < subjects.length; i = next++) {
          const subject = subjects[i]!;
          const [history, config] = await Promise.all([client.getHistory(subject), client.getConfig(subject, { defaultToGlobal: true })]);
          out[i] = {
            subject,
            compatibility: level(config?.compatibilityLevel ?? global?.compatibilityLevel),
            versions: history.map((v) => ({ version: v.version, id: v.id, schemaType: v.schemaType ?? 'AVRO', schema: v.schema })),
          };
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, subjects.length) }, worker));
      return out;
    },
  };
}

interface Identity {
  name: string;
  type: string;
  namespace?: string;
}

function identity(format: 'avro' | 'json', schema: unknown, subject: string): Identity {
  if (typeof schema === 'object' && schema !== null && !Array.isArray(schema)) {
    const s = schema as Record<string, unknown>;
    if (format === 'avro' && typeof s['name'] === 'string') {
      const name = s['name'];
      if (name.includes('.')) return { name: name.slice(name.lastIndexOf('.') + 1), type: name, namespace: name.slice(0, name.lastIndexOf('.')) };
      const namespace = typeof s['namespace'] === 'string' && s['namespace'] !== '' ? s['namespace'] : undefined;
      return { name, type: namespace ? `${namespace}.${name}` : name, ...(namespace ? { namespace } : {}) };
    }
    if (format === 'json' && typeof s['title'] === 'string' && s['title'] !== '') return { name: s['title'], type: s['title'] };
  }
  return { name: subject, type: subject };
}

/** The topic a subject name implies under Confluent's strategies: `<topic>-value`, `<topic>-<type>`; none for RecordNameStrategy. */
export function topicOfSubject(subject: string, type: string): string | undefined {
  if (/-(value|key)$/.test(subject)) return subject.replace(/-(value|key)$/, '');
  if (subject.endsWith(`-${type}`) && subject.length > type.length + 1) return subject.slice(0, -(type.length + 1));
  return undefined;
}

export function sourceFromRegistry(subjects: RegisteredSubject[], options: { origin: string; title?: string; contracts?: ContractSet }): DocsSource {
  const notes: string[] = [];
  const contracts = options.contracts;
  const domains = new Map<string, DocsDomain>();
  const events: DocsEvent[] = [];
  const skipped: string[] = [];
  for (const entry of [...subjects].sort((a, b) => a.subject.localeCompare(b.subject))) {
    const versions = entry.versions.filter((v) => v.schemaType === 'AVRO' || v.schemaType === 'JSON');
    if (versions.length < entry.versions.length) skipped.push(entry.subject);
    if (versions.length === 0) continue;
    const format = versions.at(-1)!.schemaType === 'JSON' ? 'json' : 'avro';
    const parsed = versions
      .filter((v) => (v.schemaType === 'JSON' ? 'json' : 'avro') === format)
      .map((v) => {
        try {
          return { v, schema: JSON.parse(v.schema) as unknown };
        } catch {
          // A bare Avro primitive name ("string") is valid Avro but not JSON text.
          return { v, schema: v.schema as unknown };
        }
      });
    const latest = parsed.at(-1)!;
    const who = identity(format, latest.schema, entry.subject);
    const contract = contracts?.events.find((e) => e.subject === entry.subject) ?? contracts?.events.find((e) => e.type === who.type);
    const contractDomain = contract ? contracts?.domains.find((d) => d.name === contract.domain) : undefined;
    const topic = contractDomain?.topic ?? topicOfSubject(entry.subject, who.type);
    let domainName: string;
    if (contractDomain) {
      domainName = contractDomain.name;
      if (!domains.has(domainName)) {
        domains.set(domainName, {
          name: contractDomain.name,
          topic: contractDomain.topic,
          namespace: contractDomain.namespace,
          key: contractDomain.key,
          compatibility: contractDomain.compatibility,
          owner: contractDomain.owner,
          consumers: [...contractDomain.consumers],
          ...(contractDomain.description !== undefined ? { description: contractDomain.description } : {}),
          docs: contractDomain.docs,
          file: contractDomain.file,
        });
      }
    } else {
      // Without contracts, a topic is the natural group (herald keeps one topic per domain);
      // subjects named by record only fall back to their namespace.
      domainName = topic ?? who.namespace ?? '(no topic)';
      if (!domains.has(domainName)) domains.set(domainName, { name: domainName, ...(topic ? { topic } : {}), ...(who.namespace && !topic ? { namespace: who.namespace } : {}), consumers: [], docs: {} });
    }
    events.push({
      domain: domainName,
      name: who.name,
      type: who.type,
      format,
      ...(topic ? { topic } : {}),
      ...(contractDomain ? { key: contractDomain.key } : {}),
      subject: entry.subject,
      compatibility: entry.compatibility,
      versions: parsed.map(({ v, schema }) => ({ version: v.version, schema, text: v.schema, registryId: v.id })),
    });
  }
  if (skipped.length > 0) notes.push(`Only Avro and JSON Schema are shown; other schema types in ${skipped.join(', ')} are left out.`);
  if (!contracts) notes.push('A registry keeps no owners, consumers or key fields; `herald docs --registry URL` run inside a project adds them from its domain.json files.');
  return { title: options.title ?? 'Registered schemas', origin: options.origin, domains: [...domains.values()], events, notes };
}
