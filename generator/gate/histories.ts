import type { EventVersion } from '../contracts/model.js';

/** The versions of each event type, oldest first. */
export function eventHistories(events: readonly EventVersion[]): Map<string, EventVersion[]> {
  const histories = new Map<string, EventVersion[]>();
  for (const event of events) {
    const list = histories.get(event.type) ?? [];
    list.push(event);
    histories.set(event.type, list);
  }
  for (const list of histories.values()) list.sort((a, b) => a.version - b.version);
  return histories;
}
