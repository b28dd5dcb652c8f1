import type { SourceLocation } from './model.js';

export type Severity = 'error' | 'warning';

export interface LintRule {
  severity: Severity;
  summary: string;
}

/**
 * Every problem `herald lint` can report, by stable id. The ids are part of the CLI's contract
 * (`--format json` prints them), so they are never renamed, only added.
 */
export const LINT_RULES = {
  CONFIG_INVALID: { severity: 'error', summary: 'herald.json is not a valid project configuration' },
  SCHEMAS_DIR_MISSING: { severity: 'error', summary: 'the schemas folder does not exist' },
  JSON_SYNTAX: { severity: 'error', summary: 'a file is not valid JSON' },
  DOMAIN_FILE_MISSING: { severity: 'error', summary: 'a domain folder has no domain.json' },
  DOMAIN_INVALID: { severity: 'error', summary: 'domain.json lacks a required setting or has one of the wrong type' },
  COMPATIBILITY_LEVEL_UNKNOWN: { severity: 'error', summary: 'a compatibility level is not one of Confluent\'s seven' },
  FILE_NAME_INVALID: { severity: 'error', summary: 'a schema file is not named <EventName>.v<N>.avsc or <EventName>.v<N>.schema.json' },
  AVRO_INVALID: { severity: 'error', summary: 'an .avsc file is not a valid Avro schema' },
  AVRO_LOGICAL_TYPE_INVALID: { severity: 'error', summary: 'a logical type is on the wrong base type or has invalid attributes' },
  JSON_SCHEMA_INVALID: { severity: 'error', summary: 'a .schema.json file is not a valid JSON Schema' },
  EVENT_NOT_RECORD: { severity: 'error', summary: 'an event schema is not an Avro record or a JSON Schema object' },
  SCHEMA_NAME_MISMATCH: { severity: 'error', summary: 'the schema\'s name (Avro name, JSON Schema title or $id) disagrees with its file name' },
  SCHEMA_VERSION_MISMATCH: { severity: 'error', summary: 'the version inside the schema ($id) disagrees with its file name' },
  NAMESPACE_MISMATCH: { severity: 'error', summary: 'an Avro namespace disagrees with the domain\'s namespace' },
  VERSION_GAP: { severity: 'error', summary: 'the versions of an event do not run 1, 2, 3, … without a gap' },
  DUPLICATE_EVENT_TYPE: { severity: 'error', summary: 'the same event type and version is defined twice' },
  EVENT_FORMAT_CHANGED: { severity: 'error', summary: 'versions of one event mix Avro and JSON Schema' },
  KEY_FIELD_MISSING: { severity: 'error', summary: 'an event lacks the domain\'s key field, or does not require it' },
  KEY_FIELD_NOT_STRING: { severity: 'error', summary: 'the domain\'s key field is not a string' },
  EVENT_DOC_MISSING: { severity: 'warning', summary: 'an event schema has no description' },
  FIELD_DOC_MISSING: { severity: 'warning', summary: 'a field has no doc / description' },
} as const satisfies Record<string, LintRule>;

export type LintRuleId = keyof typeof LINT_RULES;

export interface Diagnostic extends SourceLocation {
  rule: LintRuleId;
  severity: Severity;
  message: string;
}

/** Problems found while loading, collected rather than thrown so one run reports all of them. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  /** `warnings: false` drops warnings: commands that only stop on errors skip locating them. */
  constructor(private readonly options: { warnings?: boolean } = {}) {}

  /** Whether a problem of this rule is kept; checks whose every finding would be dropped need not run. */
  wants(rule: LintRuleId): boolean {
    return this.options.warnings !== false || LINT_RULES[rule].severity === 'error';
  }

  report(rule: LintRuleId, location: SourceLocation, message: string): void {
    if (!this.wants(rule)) return;
    this.items.push({ rule, severity: LINT_RULES[rule].severity, ...location, message });
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }

  hasErrorsIn(file: string): boolean {
    return this.items.some((d) => d.severity === 'error' && d.file === file);
  }
}

/** Orders diagnostics by file, then position, so output is stable across runs and platforms. */
export function sortDiagnostics(items: readonly Diagnostic[]): Diagnostic[] {
  return [...items].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.rule.localeCompare(b.rule),
  );
}
