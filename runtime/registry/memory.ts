/**
 * A registry that lives in the process: for tests and for tools that already know every schema
 * (it is a real implementation of `SchemaRegistry`, not an HTTP mock). Ids are assigned in order
 * from 1; the same schema text under two subjects shares one id, as in Confluent's registry.
 */
import type { WriterSchema } from '../api.js';
import { SchemaRegistryError, type SchemaRegistry } from './client.js';

export class InMemorySchemaRegistry implements SchemaRegistry {
  private readonly byId = new Map<number, WriterSchema>();
  private readonly idBySchema = new Map<string, number>();
  private readonly subjects = new Map<string, Set<number>>();
  private nextId = 1;

  constructor(private readonly options: { autoRegister?: boolean } = {}) {}

  /** Registers synchronously and returns the id (the same one for the same text and format). */
  register(subject: string, schema: string, format: 'avro' | 'json'): number {
    const textKey = `${format}\u0000${schema}`;
    let id = this.idBySchema.get(textKey);
    if (id === undefined) {
      id = this.nextId++;
      this.idBySchema.set(textKey, id);
      this.byId.set(id, { id, schema, format });
    }
    let ids = this.subjects.get(subject);
    if (!ids) this.subjects.set(subject, (ids = new Set()));
    ids.add(id);
    return id;
  }

  async idFor(subject: string, schema: string, format: 'avro' | 'json'): Promise<number> {
    const id = this.idBySchema.get(`${format}\u0000${schema}`);
    if (id !== undefined && this.subjects.get(subject)?.has(id)) return id;
    if (this.options.autoRegister === false) {
      throw new SchemaRegistryError(`schema is not registered under subject ${subject}`, 404, 40403);
    }
    return this.register(subject, schema, format);
  }

  async schemaById(id: number): Promise<WriterSchema> {
    const schema = this.byId.get(id);
    if (!schema) throw new SchemaRegistryError(`Schema ${id} not found`, 404, 40403);
    return schema;
  }

  schemaUri(id: number): string {
    return `urn:herald:schema:${id}`;
  }
}
