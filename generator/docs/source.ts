/**
 * What the docs site is built from, whatever the history came from: a contract tree
 * (`herald docs`), a registry's subjects (`herald docs --registry URL`, the registry's `/ui`), or
 * both. Every later stage reads only this model, so the static site and the live UI cannot drift.
 */
import type { CompatibilityLevel } from '../compat/levels.js';
import type { SchemaFormat } from '../compat/model.js';
import type { ContractSet } from '../contracts/model.js';

/** A group of events that share a topic; in a contract tree, a `schemas/<domain>/` folder. */
export interface DocsDomain {
  name: string;
  topic?: string;
  namespace?: string;
  /** The partition-key field every event of the domain carries. */
  key?: string;
  compatibility?: CompatibilityLevel;
  /** The producing service. */
  owner?: string;
  consumers: string[];
  description?: string;
  /** Free-form documentation from `domain.json`, kept as written. */
  docs: Record<string, unknown>;
  /** `schemas/project/domain.json`, relative to the project root, when the domain comes from a tree. */
  file?: string;
}

/** One version of one event, oldest first in `DocsEvent.versions`. */
export interface DocsVersion {
  version: number;
  /** The parsed schema. */
  schema: unknown;
  /** The schema text as written (contracts) or as registered (registry). */
  text: string;
  fingerprint?: string;
  /** Relative to the project root. */
  file?: string;
  /** The registry's schema id (from the registry, or recorded in `herald.lock.json`). */
  registryId?: number;
  /** Recorded in `herald.lock.json` with this fingerprint; false for a version not published yet. */
  published?: boolean;
}

/** An event type and its history: in a registry, one subject. */
export interface DocsEvent {
  /** `DocsDomain.name` of the domain it belongs to. */
  domain: string;
  /** Short name, e.g. `ProjectCreated`. */
  name: string;
  /** Full type, e.g. `com.acme.project.ProjectCreated`. */
  type: string;
  format: SchemaFormat;
  topic?: string;
  key?: string;
  subject: string;
  compatibility: CompatibilityLevel;
  versions: DocsVersion[];
}

export interface DocsSource {
  /** Site title. */
  title: string;
  /** Where the history came from, in words: `contracts in schemas/`, `registry http://…`. */
  origin: string;
  domains: DocsDomain[];
  events: DocsEvent[];
  /** Things the reader should know about the source, e.g. subjects that could not be shown. */
  notes: string[];
}

/** The contract model as a docs source: one event per event type, its files as versions. */
export function sourceFromContracts(contracts: ContractSet, options: { title?: string } = {}): DocsSource {
  const domains: DocsDomain[] = contracts.domains.map((d) => ({
    name: d.name,
    topic: d.topic,
    namespace: d.namespace,
    key: d.key,
    compatibility: d.compatibility,
    owner: d.owner,
    consumers: [...d.consumers],
    ...(d.description !== undefined ? { description: d.description } : {}),
    docs: d.docs,
    file: d.file,
  }));
  const byType = new Map<string, DocsEvent>();
  for (const e of contracts.events) {
    let event = byType.get(e.type);
    if (!event) {
      event = {
        domain: e.domain,
        name: e.name,
        type: e.type,
        format: e.format,
        topic: e.topic,
        key: e.key,
        subject: e.subject,
        compatibility: e.compatibility,
        versions: [],
      };
      byType.set(e.type, event);
    }
    event.versions.push({ version: e.version, schema: e.schema, text: e.text, fingerprint: e.fingerprint, file: e.file });
  }
  for (const event of byType.values()) event.versions.sort((a, b) => a.version - b.version);
  const relativeSchemas = contracts.config.schemasDir.startsWith(contracts.config.root)
    ? contracts.config.schemasDir.slice(contracts.config.root.length).replace(/^[\\/]+/, '') || '.'
    : contracts.config.schemasDir;
  return {
    title: options.title ?? 'Event contracts',
    origin: `contracts in ${relativeSchemas}/`,
    domains,
    events: [...byType.values()],
    notes: [],
  };
}

/** What the docs read from `schemas/herald.lock.json`: fingerprints and registry ids by type and version. */
export interface LockedVersions {
  events: Record<string, Record<string, { fingerprint: string; id?: number }>>;
}

/**
 * Marks which versions the lock file records as published (same fingerprint), with their
 * registry ids, so the timeline tells a published version from one still under review.
 */
export function withLockFile(source: DocsSource, lock: LockedVersions): DocsSource {
  return {
    ...source,
    events: source.events.map((event) => ({
      ...event,
      versions: event.versions.map((version) => {
        const locked = lock.events[event.type]?.[String(version.version)];
        const published = locked !== undefined && locked.fingerprint === version.fingerprint;
        return { ...version, published, ...(published && locked.id !== undefined ? { registryId: locked.id } : {}) };
      }),
    })),
  };
}
