/**
 * A small client for the Confluent Schema Registry REST API, for `herald register` and
 * `herald check --registry`. It speaks only the documented API, so it works against Confluent,
 * Karapace, Apicurio's ccompat endpoint and herald's own registry alike. Failures are typed:
 * `RegistryHttpError` carries Confluent's `error_code`.
 */
import type { CompatibilityLevel } from '../compat/levels.js';
import type {
  ConfigUpdate,
  RegisterSchemaResponse,
  RegistryConfig,
  RegistryMode,
  SchemaById,
  SchemaReference,
  SubjectSchema,
} from './model.js';

export type RegistryCredentials = { username: string; password: string } | { token: string };

export interface RegistryClientOptions {
  /** Base URL; `http://user:password@host:8081` is turned into HTTP Basic credentials. */
  url: string;
  credentials?: RegistryCredentials;
  /** Extra headers on every request (e.g. a tenant header of a hosted registry). */
  headers?: Record<string, string>;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Retries after a network failure or a 502/503/504; default 2. Every call retried is idempotent in this API. */
  retries?: number;
  fetch?: typeof fetch;
}

/** The schema to register or look up, as Confluent's RegisterSchemaRequest carries it. */
export interface SchemaPayload {
  /** The schema text (Avro JSON or JSON Schema). */
  schema: string;
  /** Default AVRO. */
  schemaType?: 'AVRO' | 'JSON';
  references?: SchemaReference[];
}

/** An HTTP error answer; `errorCode` is Confluent's `error_code` (e.g. 40401), or the HTTP status if the body had none. */
export class RegistryHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly method: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'RegistryHttpError';
  }
}

/** The registry could not be reached (connection refused, DNS, timeout). */
export class RegistryUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`schema registry unreachable at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RegistryUnreachableError';
  }
}

export interface CompatibilityVerdict {
  compatible: boolean;
  /** Confluent's verbose messages; empty when compatible. */
  messages: string[];
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5';
const RETRY_STATUSES = new Set([502, 503, 504]);

function segment(value: string): string {
  return encodeURIComponent(value);
}

export class RegistryClient {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: RegistryClientOptions) {
    const url = new URL(options.url);
    let credentials = options.credentials;
    // fetch refuses URLs with credentials in them, so they move into a header.
    if (url.username && !credentials) {
      credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    }
    url.username = '';
    url.password = '';
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.headers = { 'content-type': CONTENT_TYPE, accept: ACCEPT, ...options.headers };
    if (credentials) {
      this.headers['authorization'] =
        'token' in credentials
          ? `Bearer ${credentials.token}`
          : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 2;
    this.fetchImpl = options.fetch ?? fetch;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: this.headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        if (attempt < this.retries) {
          await delay(attempt);
          continue;
        }
        throw new RegistryUnreachableError(this.baseUrl, error);
      }
      const text = await response.text();
      if (response.ok) return (text === '' ? undefined : JSON.parse(text)) as T;
      if (RETRY_STATUSES.has(response.status) && attempt < this.retries) {
        await delay(attempt);
        continue;
      }
      throw toHttpError(response.status, text, method, url);
    }
  }

  /** Registers a schema under a subject; registering an identical schema again returns the existing id. */
  register(subject: string, schema: SchemaPayload, options: { normalize?: boolean } = {}): Promise<RegisterSchemaResponse> {
    return this.request('POST', `/subjects/${segment(subject)}/versions${options.normalize ? '?normalize=true' : ''}`, payload(schema));
  }

  /** The subject version holding this schema, or undefined when the subject or the schema is not there. */
  async lookup(subject: string, schema: SchemaPayload, options: { normalize?: boolean; deleted?: boolean } = {}): Promise<SubjectSchema | undefined> {
    const query = new URLSearchParams();
    if (options.normalize) query.set('normalize', 'true');
    if (options.deleted) query.set('deleted', 'true');
    const qs = query.size > 0 ? `?${query}` : '';
    try {
      return await this.request<SubjectSchema>('POST', `/subjects/${segment(subject)}${qs}`, payload(schema));
    } catch (error) {
      if (error instanceof RegistryHttpError && (error.errorCode === 40401 || error.errorCode === 40403)) return undefined;
      throw error;
    }
  }

  listSubjects(): Promise<string[]> {
    return this.request('GET', '/subjects');
  }

  /** A subject's live version numbers; empty when the subject does not exist. */
  async listVersions(subject: string): Promise<number[]> {
    try {
      return await this.request<number[]>('GET', `/subjects/${segment(subject)}/versions`);
    } catch (error) {
      if (error instanceof RegistryHttpError && error.errorCode === 40401) return [];
      throw error;
    }
  }

  getVersion(subject: string, version: number | 'latest', options: { deleted?: boolean } = {}): Promise<SubjectSchema> {
    return this.request('GET', `/subjects/${segment(subject)}/versions/${version}${options.deleted ? '?deleted=true' : ''}`);
  }

  /** The latest live version, or undefined when the subject has none. */
  async getLatest(subject: string): Promise<SubjectSchema | undefined> {
    try {
      return await this.getVersion(subject, 'latest');
    } catch (error) {
      if (error instanceof RegistryHttpError && (error.errorCode === 40401 || error.errorCode === 40402)) return undefined;
      throw error;
    }
  }

  /** Every live version of a subject with its schema, oldest first (the history a compatibility check compares with). */
  async getHistory(subject: string): Promise<SubjectSchema[]> {
    const versions = await this.listVersions(subject);
    const history: SubjectSchema[] = [];
    for (const version of versions) history.push(await this.getVersion(subject, version));
    return history;
  }

  getSchemaById(id: number): Promise<SchemaById> {
    return this.request('GET', `/schemas/ids/${id}`);
  }

  /**
   * Would the registry accept this schema? Against `version` (default: every live version the
   * subject's level selects, which is what registering would check). Messages are always asked for.
   */
  async checkCompatibility(subject: string, schema: SchemaPayload, options: { version?: number | 'latest'; normalize?: boolean } = {}): Promise<CompatibilityVerdict> {
    const target = options.version === undefined ? '' : `/${options.version}`;
    const query = `?verbose=true${options.normalize ? '&normalize=true' : ''}`;
    const answer = await this.request<{ is_compatible: boolean; messages?: string[] }>(
      'POST',
      `/compatibility/subjects/${segment(subject)}/versions${target}${query}`,
      payload(schema),
    );
    return { compatible: answer.is_compatible, messages: answer.messages ?? [] };
  }

  /** The subject's own config, or with `defaultToGlobal` the one in effect; undefined when the subject has none of its own. */
  async getConfig(subject?: string, options: { defaultToGlobal?: boolean } = {}): Promise<RegistryConfig | undefined> {
    const path = subject === undefined ? '/config' : `/config/${segment(subject)}${options.defaultToGlobal ? '?defaultToGlobal=true' : ''}`;
    try {
      return await this.request<RegistryConfig>('GET', path);
    } catch (error) {
      if (error instanceof RegistryHttpError && (error.errorCode === 40408 || error.errorCode === 40401)) return undefined;
      throw error;
    }
  }

  /** Sets config for a subject, or the registry-wide one when `subject` is undefined. */
  setConfig(subject: string | undefined, update: ConfigUpdate): Promise<ConfigUpdate> {
    return this.request('PUT', subject === undefined ? '/config' : `/config/${segment(subject)}`, update);
  }

  setCompatibility(subject: string | undefined, level: CompatibilityLevel): Promise<ConfigUpdate> {
    return this.setConfig(subject, { compatibility: level });
  }

  getMode(subject?: string): Promise<{ mode: RegistryMode }> {
    return this.request('GET', subject === undefined ? '/mode' : `/mode/${segment(subject)}?defaultToGlobal=true`);
  }

  setMode(subject: string | undefined, mode: RegistryMode, options: { force?: boolean } = {}): Promise<{ mode: RegistryMode }> {
    const path = subject === undefined ? '/mode' : `/mode/${segment(subject)}`;
    return this.request('PUT', `${path}${options.force ? '?force=true' : ''}`, { mode });
  }

  deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    return this.request('DELETE', `/subjects/${segment(subject)}${options.permanent ? '?permanent=true' : ''}`);
  }

  deleteVersion(subject: string, version: number | 'latest', options: { permanent?: boolean } = {}): Promise<number> {
    return this.request('DELETE', `/subjects/${segment(subject)}/versions/${version}${options.permanent ? '?permanent=true' : ''}`);
  }
}

function payload(schema: SchemaPayload): Record<string, unknown> {
  return {
    schema: schema.schema,
    // AVRO is the default; leaving it out keeps requests valid for registries older than typed schemas.
    ...(schema.schemaType && schema.schemaType !== 'AVRO' ? { schemaType: schema.schemaType } : {}),
    ...(schema.references && schema.references.length > 0 ? { references: schema.references } : {}),
  };
}

function toHttpError(status: number, text: string, method: string, url: string): RegistryHttpError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const b = body as { error_code?: unknown; message?: unknown } | undefined;
  if (b && typeof b.error_code === 'number' && typeof b.message === 'string') {
    return new RegistryHttpError(status, b.error_code, b.message, method, url);
  }
  const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return new RegistryHttpError(status, status, `HTTP ${status} from ${method} ${url}${snippet ? `: ${snippet}` : ''}`, method, url);
}

function delay(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt + Math.random() * 100));
}
