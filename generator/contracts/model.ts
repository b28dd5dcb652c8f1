import type { CompatibilityLevel } from '../compat/levels.js';
import type { SchemaFormat } from '../compat/model.js';

export const SUBJECT_NAME_STRATEGIES = [
  'TopicRecordNameStrategy',
  'TopicNameStrategy',
  'RecordNameStrategy',
] as const;
export type SubjectNameStrategy = (typeof SUBJECT_NAME_STRATEGIES)[number];

/** `herald.json` at the project root, with defaults filled in and paths made absolute. */
export interface ProjectConfig {
  /** Absolute path of the project root (the folder holding `herald.json`). */
  root: string;
  /** Absolute path of `herald.json`, when the project has one. */
  file?: string;
  schemasDir: string;
  outDir: string;
  /** A Confluent-compatible registry; absent means the embedded registry under `.herald/`. */
  registryUrl?: string;
  subjectNameStrategy: SubjectNameStrategy;
  defaultCompatibility: CompatibilityLevel;
}

/** Where something is: a file relative to the project root, a JSON pointer inside it, and its line and column when known. */
export interface SourceLocation {
  file: string;
  pointer: string;
  line?: number;
  column?: number;
}

/** `schemas/<domain>/domain.json`: what every event of a domain shares. */
export interface Domain {
  name: string;
  /** Absolute folder path. */
  dir: string;
  /** Path of `domain.json` relative to the project root. */
  file: string;
  namespace: string;
  topic: string;
  /** The field every event of the domain carries and that is the partition key. */
  key: string;
  compatibility: CompatibilityLevel;
  owner: string;
  consumers: string[];
  description?: string;
  /** Free-form documentation (links, runbooks, examples) kept as written. */
  docs: Record<string, unknown>;
}

/** One published (or about to be published) version of one event type. */
export interface EventVersion {
  domain: string;
  /** Short name, e.g. `ProjectCreated`. */
  name: string;
  namespace: string;
  /** The event type: namespace plus name, e.g. `com.acme.project.ProjectCreated`. */
  type: string;
  version: number;
  format: SchemaFormat;
  topic: string;
  key: string;
  compatibility: CompatibilityLevel;
  subject: string;
  /** The parsed schema exactly as written. */
  schema: unknown;
  /** The schema text as written in the file (what a registry receives). */
  text: string;
  /** Key-sorted, whitespace-free JSON of the schema: any edit, docs included, changes it. */
  canonical: string;
  /** `sha256:<hex>` of `canonical`. */
  fingerprint: string;
  doc?: string;
  /** Location of the file, relative to the project root. */
  file: string;
  /** `ProjectCreated.v2`: how messages name this version. */
  label: string;
}

export interface ContractSet {
  config: ProjectConfig;
  domains: Domain[];
  /** Sorted by domain, event name, version. */
  events: EventVersion[];
}
