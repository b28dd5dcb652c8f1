import { checkAvroPair } from './avro/check.js';
import { checkJsonPair } from './json/check.js';
import { pairsForLevel } from './levels.js';
import type { CompatibilityRequest, CompatibilityResult, Incompatibility } from './model.js';

/** What a format's pair check reports: the rule, where, and what is wrong, without naming versions. */
export interface PairFinding {
  rule: string;
  /** JSON pointer into the reader schema (Avro) or the schema named by the rule (JSON Schema). */
  path: string;
  /** Plain words, e.g. "field `owner` changed type from string to int". */
  detail: string;
}

/**
 * Checks a candidate schema against its history at a Confluent level.
 *
 * Every pair is phrased as "<reader> readers cannot read <writer> data", because that is the
 * failure a user will see in production: BACKWARD pairs have the new version as reader, FORWARD
 * pairs the previous one.
 */
export function checkCompatibility(request: CompatibilityRequest): CompatibilityResult {
  const { schema, previous, level, format } = request;
  const labels = request.labels ?? {
    schema: 'new',
    previous: previous.map((_, i) => (previous.length === 1 ? 'previous' : `previous #${i + 1}`)),
  };
  const messages: Incompatibility[] = [];
  for (const { previousIndex, direction } of pairsForLevel(level, previous.length)) {
    const old = previous[previousIndex];
    const oldLabel = labels.previous[previousIndex] ?? `previous #${previousIndex + 1}`;
    const [reader, writer, readerLabel, writerLabel] =
      direction === 'backward'
        ? [schema, old, labels.schema, oldLabel]
        : [old, schema, oldLabel, labels.schema];
    const findings =
      format === 'avro'
        ? checkAvroPair(reader, writer)
        : checkJsonPair(reader, writer, request.jsonPolicy ?? 'STRICT');
    for (const finding of findings) {
      messages.push({
        rule: finding.rule,
        path: finding.path,
        message: `${readerLabel} readers cannot read ${writerLabel} data: ${finding.detail}`,
      });
    }
  }
  return { compatible: messages.length === 0, messages };
}
