import { checkCompatibility } from '../compat/check.js';
import type { ContractSet } from '../contracts/model.js';
import type { GateFinding } from './findings.js';
import { eventHistories } from './histories.js';
import { locateInEvent } from './locate.js';

/** Each version of each event against its predecessors, at its domain's compatibility level. */
export function checkVersionHistories(contracts: ContractSet): GateFinding[] {
  const findings: GateFinding[] = [];
  for (const versions of eventHistories(contracts.events).values()) {
    versions.forEach((event, index) => {
      if (index === 0) return;
      const previous = versions.slice(0, index);
      const result = checkCompatibility({
        format: event.format,
        level: event.compatibility,
        schema: event.schema,
        previous: previous.map((v) => v.schema),
        labels: { schema: event.label, previous: previous.map((v) => v.label) },
      });
      for (const message of result.messages) {
        findings.push({
          rule: message.rule,
          subject: event.label,
          ...locateInEvent(event, message.path),
          message: `${message.message} (${event.compatibility})`,
        });
      }
    });
  }
  return findings;
}
