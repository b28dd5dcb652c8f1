/**
 * Compatibility verdicts for the registry, phrased the way Confluent phrases them, computed by
 * herald's own checker (`generator/compat/check.ts`) and nothing else, so the registry and
 * `herald check` can never disagree.
 */
import type { CompatibilityLevel } from '../compat/levels.js';
import type { CompatibilityRequest, CompatibilityResult, SchemaFormat } from '../compat/model.js';
import { errors } from './errors.js';
import type { SchemaType } from './model.js';

export type CompatibilityChecker = (request: CompatibilityRequest) => CompatibilityResult;

let defaultChecker: Promise<CompatibilityChecker> | undefined;

/**
 * The format engines load on the first check that needs one: a registry that only serves
 * reads, or only NONE subjects, starts without them.
 */
export function loadDefaultChecker(): Promise<CompatibilityChecker> {
  defaultChecker ??= import('../compat/check.js').then(
    (module) => module.checkCompatibility,
    (error: unknown) => {
      defaultChecker = undefined;
      throw error;
    },
  );
  return defaultChecker;
}

export interface HistoricVersion {
  version: number;
  schemaType: SchemaType;
  /** Stored text, quoted back in verbose messages as Confluent does. */
  text: string;
  /** Plain, self-contained JSON for the engines. */
  schema: unknown;
}

export interface Verdict {
  compatible: boolean;
  /** Confluent-style strings; empty when compatible. */
  messages: string[];
}

const FORMAT: Record<SchemaType, SchemaFormat> = { AVRO: 'avro', JSON: 'json' };

function quote(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/**
 * Checks a candidate against the versions the level selects (the latest, or all for the
 * transitive levels), newest first, and like Confluent reports the first version that fails.
 */
export async function checkAgainstHistory(
  load: () => Promise<CompatibilityChecker>,
  candidate: { schemaType: SchemaType; schema: unknown },
  history: readonly HistoricVersion[],
  level: CompatibilityLevel,
): Promise<Verdict> {
  if (level === 'NONE' || history.length === 0) return { compatible: true, messages: [] };
  const transitive = level.endsWith('_TRANSITIVE');
  const pairLevel = level.replace('_TRANSITIVE', '') as CompatibilityLevel;
  const targets = transitive ? [...history].reverse() : history.slice(-1);
  const trailer = `{validateFields: 'false', compatibility: '${level}'}`;
  for (const old of targets) {
    if (old.schemaType !== candidate.schemaType) {
      return {
        compatible: false,
        messages: [
          `{errorType:'SCHEMA_TYPE_CHANGED', description:'The new schema is ${candidate.schemaType} but version ${old.version} is ${old.schemaType}', additionalInfo:''}`,
          `{oldSchemaVersion: ${old.version}}`,
          `{oldSchema: '${quote(old.text)}'}`,
          trailer,
        ],
      };
    }
    const checker = await load();
    let result: CompatibilityResult;
    try {
      result = checker({
        format: FORMAT[candidate.schemaType],
        level: pairLevel,
        schema: candidate.schema,
        previous: [old.schema],
        labels: { schema: 'new schema', previous: [`version ${old.version}`] },
      });
    } catch (error) {
      // The engines refuse what they cannot read (e.g. a `$ref` out of the document); to a client
      // that is an invalid schema, not a server fault.
      throw errors.invalidSchema(`that cannot be compared with version ${old.version}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!result.compatible) {
      return {
        compatible: false,
        messages: [
          ...result.messages.map(
            (m) => `{errorType:'${quote(m.rule)}', description:'${quote(m.message)}', additionalInfo:'${quote(m.path)}'}`,
          ),
          `{oldSchemaVersion: ${old.version}}`,
          `{oldSchema: '${quote(old.text)}'}`,
          trailer,
        ],
      };
    }
  }
  return { compatible: true, messages: [] };
}
