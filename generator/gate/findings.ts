import type { SourceLocation } from '../contracts/model.js';

/**
 * Breaking changes the gate reports besides schema incompatibilities, by stable id. An
 * incompatibility carries the compatibility engine's own rule id (e.g. `TYPE_MISMATCH`).
 */
export const GATE_RULES = {
  PUBLISHED_VERSION_EDITED: 'a published version was edited; publish the change as a new version instead',
  PUBLISHED_VERSION_DELETED: 'a published version was deleted; consumers may still receive its data',
  DOMAIN_TOPIC_CHANGED: "a domain's topic changed; producers and consumers would split across two topics",
  DOMAIN_KEY_CHANGED: "a domain's key field changed; events of one entity would land on different partitions and lose their order",
  COMPATIBILITY_LOOSENED: "a domain's compatibility level was loosened; changes it used to refuse would pass",
  REGISTRY_INCOMPATIBLE: "the registry's own compatibility check refuses a version that is not registered yet",
} as const;
export type GateRuleId = keyof typeof GATE_RULES;

export interface GateFinding extends SourceLocation {
  /** A gate rule id, or the compatibility engine's rule id for an incompatibility. */
  rule: string;
  /** The event version concerned (`ProjectCreated.v2`), or the domain name for domain-level rules. */
  subject: string;
  message: string;
}

export interface GateReport {
  /** What was checked, for the summary line and for JUnit's test cases. */
  checked: { label: string; file: string }[];
  findings: GateFinding[];
  /** Where the previous versions came from: the tree itself, the lock file, a git ref, a registry. */
  sources: string[];
}

/** `<label> <what happened>: <why it breaks>`, at the top of the file, whatever told us it was published. */
export function publishedVersionEdited(label: string, file: string, what: string): GateFinding {
  return { rule: 'PUBLISHED_VERSION_EDITED', subject: label, file, pointer: '', line: 1, column: 1, message: `${label} ${what}: ${GATE_RULES.PUBLISHED_VERSION_EDITED}` };
}

export function publishedVersionDeleted(label: string, file: string, what: string): GateFinding {
  return { rule: 'PUBLISHED_VERSION_DELETED', subject: label, file, pointer: '', message: `${label} ${what}: ${GATE_RULES.PUBLISHED_VERSION_DELETED}` };
}
