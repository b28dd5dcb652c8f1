/** Small helpers the route modules share: query flags, paging, JSON replies. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Page } from '../service.js';

export type Query = Record<string, string | string[] | undefined>;

export function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Confluent's boolean query parameters: `true` in any case is true, anything else false. */
export function flag(query: Query, name: string): boolean {
  return first(query[name])?.toLowerCase() === 'true';
}

export function text(query: Query, name: string): string | undefined {
  return first(query[name]);
}

export function all(query: Query, name: string): string[] {
  const value = query[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function integer(query: Query, name: string): number | undefined {
  const raw = first(query[name]);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) ? n : undefined;
}

export function pageOf(query: Query): Page {
  const offset = integer(query, 'offset');
  const limit = integer(query, 'limit');
  return { ...(offset !== undefined ? { offset } : {}), ...(limit !== undefined ? { limit } : {}) };
}

/**
 * Sends a value as JSON text in the negotiated content type. Serialising here, not in fastify,
 * keeps top-level numbers and strings (`DELETE …/versions/1` answers `1`) exactly JSON.
 */
export function sendJson(reply: FastifyReply, value: unknown, status = 200): FastifyReply {
  return reply.code(status).send(JSON.stringify(value));
}

export type Params<K extends string> = { [P in K]: string };

export function params<K extends string>(request: FastifyRequest): Params<K> {
  return request.params as Params<K>;
}
