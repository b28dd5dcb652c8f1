/**
 * The compatibility verdict of each step in an event's history, from the same checker `herald
 * check` and the registry use, at the event's level: a step to vN is checked against the versions
 * the level names (the previous one, or all earlier ones for the _TRANSITIVE levels).
 */
import { checkCompatibility } from '../compat/check.js';
import type { Incompatibility } from '../compat/model.js';
import type { DocsEvent } from './source.js';

export type VerdictStatus = 'compatible' | 'incompatible' | 'unchecked' | 'error';

export interface StepVerdict {
  status: VerdictStatus;
  /** One line for the timeline, e.g. `compatible (BACKWARD_TRANSITIVE)`. */
  summary: string;
  messages: Incompatibility[];
}

/** Verdicts for versions 2…n (index i is the step to `versions[i + 1]`). */
export function historyVerdicts(event: DocsEvent): StepVerdict[] {
  const verdicts: StepVerdict[] = [];
  const label = (version: number): string => `${event.name}.v${version}`;
  for (let i = 1; i < event.versions.length; i++) {
    const current = event.versions[i]!;
    const previous = event.versions.slice(0, i);
    if (event.compatibility === 'NONE') {
      verdicts.push({ status: 'unchecked', summary: 'not checked (compatibility NONE)', messages: [] });
      continue;
    }
    try {
      const result = checkCompatibility({
        format: event.format,
        level: event.compatibility,
        schema: current.schema,
        previous: previous.map((v) => v.schema),
        labels: { schema: label(current.version), previous: previous.map((v) => label(v.version)) },
      });
      verdicts.push({
        status: result.compatible ? 'compatible' : 'incompatible',
        summary: `${result.compatible ? 'compatible' : 'incompatible'} (${event.compatibility})`,
        messages: result.messages,
      });
    } catch (error) {
      // A checker failure must not take the whole site down; the step says why it has no verdict.
      verdicts.push({ status: 'error', summary: `no verdict: ${error instanceof Error ? error.message : String(error)}`, messages: [] });
    }
  }
  return verdicts;
}
