import { isJsonSyntaxError, parseJsonSource, type JsonSource } from '../contracts/json-source.js';
import type { EventVersion, SourceLocation } from '../contracts/model.js';

const sources = new WeakMap<EventVersion, JsonSource>();

/**
 * Where a finding about an event version sits in its file. Engines give Avro paths as JSON
 * pointers and JSON Schema paths Confluent-style (`#/properties/x`); both become a pointer here.
 */
export function locateInEvent(event: EventVersion, path: string): SourceLocation {
  const pointer = path.startsWith('#') ? path.slice(1) : path;
  let source = sources.get(event);
  if (!source) {
    const parsed = parseJsonSource(event.file, event.text);
    if (isJsonSyntaxError(parsed)) return { file: event.file, pointer };
    source = parsed;
    sources.set(event, source);
  }
  return { file: event.file, pointer, ...source.position(pointer) };
}
