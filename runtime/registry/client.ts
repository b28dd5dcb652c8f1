/**
 * Writer schema ids for the wire format: the publisher needs the id of its codec's schema under
 * the codec's subject, the consumer needs the schema behind an id it read off a record. Both are
 * cached for the life of the process, since a registered (subject, schema) → id mapping and an
 * id → schema mapping never change in a Confluent-compatible registry.
 */
import type { WriterSchema } from '../api.js';

export interface SchemaRegistry {
  /** The id of `schema` under `subject`; registered first when the registry allows it. */
  idFor(subject: string, schema: string, format: 'avro' | 'json'): Promise<number>;
  /** The writer schema with this id. */
  schemaById(id: number): Promise<WriterSchema>;
  /** A URI for the schema with this id, used as the CloudEvents `dataschema`. */
  schemaUri(id: number): string;
}

export class SchemaRegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = 'SchemaRegistryError';
  }
}

export interface HttpSchemaRegistryOptions {
  /** Base URL, e.g. `http://localhost:8081`. */
  url: string;
  /**
   * Register a schema that is not yet under its subject (default true, as Confluent serializers
   * do). Set false in production where `herald register` runs in CI, so a service never creates
   * versions on its own.
   */
  autoRegister?: boolean;
  /** `user:password` or `{ username, password }` for HTTP basic auth. */
  basicAuth?: string | { username: string; password: string };
  headers?: Record<string, string>;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Injected for tests or custom agents; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** A Confluent Schema Registry REST client with the two calls the runtime needs. */
export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly base: string;
  private readonly autoRegister: boolean;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly ids = new Map<string, Promise<number>>();
  private readonly schemas = new Map<number, Promise<WriterSchema>>();

  constructor(options: HttpSchemaRegistryOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.autoRegister = options.autoRegister ?? true;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchFn = options.fetch ?? fetch;
    this.headers = { accept: `${CONTENT_TYPE}, application/json`, ...options.headers };
    if (options.basicAuth) {
      const credentials =
        typeof options.basicAuth === 'string' ? options.basicAuth : `${options.basicAuth.username}:${options.basicAuth.password}`;
      this.headers['authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
  }

  idFor(subject: string, schema: string, format: 'avro' | 'json'): Promise<number> {
    const cacheKey = `${subject}\u0000${schema}`;
    let pending = this.ids.get(cacheKey);
    if (!pending) {
      pending = this.resolveId(subject, schema, format);
      // Failures are not cached: the next publish asks again once the registry is back.
      pending.catch(() => this.ids.delete(cacheKey));
      this.ids.set(cacheKey, pending);
    }
    return pending;
  }

  schemaById(id: number): Promise<WriterSchema> {
    let pending = this.schemas.get(id);
    if (!pending) {
      pending = this.fetchSchema(id);
      pending.catch(() => this.schemas.delete(id));
      this.schemas.set(id, pending);
    }
    return pending;
  }

  schemaUri(id: number): string {
    return `${this.base}/schemas/ids/${id}`;
  }

  private async resolveId(subject: string, schema: string, format: 'avro' | 'json'): Promise<number> {
    const body = JSON.stringify(format === 'json' ? { schema, schemaType: 'JSON' } : { schema });
    const path = `/subjects/${encodeURIComponent(subject)}`;
    // Lookup first: it needs no write permission and never creates a version.
    const lookup = await this.request('POST', path, body);
    if (lookup.status === 200) return readId(lookup.body, `lookup of ${subject}`);
    const notFound = lookup.status === 404 && (lookup.errorCode === 40401 || lookup.errorCode === 40403);
    if (!notFound) throw this.failure(`lookup of ${subject}`, lookup);
    if (!this.autoRegister) {
      throw new SchemaRegistryError(
        `schema is not registered under subject ${subject} and autoRegister is off; run \`herald register\``,
        lookup.status,
        lookup.errorCode,
      );
    }
    const registered = await this.request('POST', `${path}/versions`, body);
    if (registered.status === 200) return readId(registered.body, `registration under ${subject}`);
    throw this.failure(`registration under ${subject}`, registered);
  }

  private async fetchSchema(id: number): Promise<WriterSchema> {
    const response = await this.request('GET', `/schemas/ids/${id}`);
    if (response.status !== 200) throw this.failure(`schema ${id}`, response);
    const body = response.body as { schema?: unknown; schemaType?: unknown } | undefined;
    if (typeof body?.schema !== 'string') throw new SchemaRegistryError(`schema ${id}: response has no schema text`);
    const type = body.schemaType ?? 'AVRO';
    if (type !== 'AVRO' && type !== 'JSON') {
      throw new SchemaRegistryError(`schema ${id} is of type ${String(type)}; herald reads AVRO and JSON`);
    }
    return { id, schema: body.schema, format: type === 'JSON' ? 'json' : 'avro' };
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
  ): Promise<{ status: number; body: unknown; errorCode?: number; message?: string }> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': CONTENT_TYPE },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SchemaRegistryError(`schema registry at ${this.base} unreachable: ${(error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    const error = parsed as { error_code?: unknown; message?: unknown } | undefined;
    return {
      status: response.status,
      body: parsed,
      ...(typeof error?.error_code === 'number' ? { errorCode: error.error_code } : {}),
      ...(typeof error?.message === 'string' ? { message: error.message } : {}),
    };
  }

  private failure(what: string, response: { status: number; errorCode?: number; message?: string }): SchemaRegistryError {
    const detail = response.message ?? `HTTP ${response.status}`;
    return new SchemaRegistryError(
      `schema registry ${what} failed: ${detail}${response.errorCode ? ` (error ${response.errorCode})` : ''}`,
      response.status,
      response.errorCode,
    );
  }
}

function readId(body: unknown, what: string): number {
  const id = (body as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new SchemaRegistryError(`${what}: response has no id`);
  return id;
}
