import type { Diagnostics } from './diagnostics.js';
import type { EventVersion } from './model.js';

/** Checks that need every event of the tree at once: duplicates, version gaps, mixed formats. */
export function checkEventSet(events: readonly EventVersion[], diagnostics: Diagnostics): EventVersion[] {
  const byType = new Map<string, EventVersion[]>();
  for (const event of events) {
    const list = byType.get(event.type) ?? [];
    list.push(event);
    byType.set(event.type, list);
  }
  const rejected = new Set<EventVersion>();
  for (const [type, versions] of byType) {
    versions.sort((a, b) => a.version - b.version || a.file.localeCompare(b.file));
    const domains = new Set(versions.map((v) => v.domain));
    if (domains.size > 1) {
      for (const v of versions.filter((v) => v.domain !== versions[0]!.domain)) {
        diagnostics.report('DUPLICATE_EVENT_TYPE', { file: v.file, pointer: '' }, `event type ${type} is also defined in domain "${versions[0]!.domain}" (${versions[0]!.file}); an event type belongs to one domain`);
        rejected.add(v);
      }
    }
    const kept = versions.filter((v) => !rejected.has(v));
    for (let i = 1; i < kept.length; i++) {
      const previous = kept[i - 1]!;
      const current = kept[i]!;
      if (current.version === previous.version) {
        diagnostics.report('DUPLICATE_EVENT_TYPE', { file: current.file, pointer: '' }, `${current.label} is defined twice: here and in ${previous.file}`);
        rejected.add(current);
      }
    }
    const distinct = [...new Set(kept.filter((v) => !rejected.has(v)).map((v) => v.version))];
    distinct.forEach((version, i) => {
      if (version !== i + 1) {
        const event = kept.find((v) => v.version === version)!;
        const missing = Array.from({ length: version - (distinct[i - 1] ?? 0) - 1 }, (_, k) => (distinct[i - 1] ?? 0) + k + 1);
        diagnostics.report('VERSION_GAP', { file: event.file, pointer: '' }, `${event.label} has no predecessor ${missing.map((m) => `v${m}`).join(', ')}; versions start at 1 and go up by one`);
      }
    });
    const remaining = kept.filter((v) => !rejected.has(v));
    const first = remaining[0];
    for (const v of remaining) {
      if (first && v.format !== first.format) {
        diagnostics.report('EVENT_FORMAT_CHANGED', { file: v.file, pointer: '' }, `${v.label} is ${formatName(v.format)} but ${first.label} is ${formatName(first.format)}; all versions of an event share one format`);
        rejected.add(v);
      }
    }
  }
  return events.filter((e) => !rejected.has(e));
}

function formatName(format: EventVersion['format']): string {
  return format === 'avro' ? 'Avro' : 'JSON Schema';
}
