/**
 * The docs site served live at `/ui` by `herald registry serve`: the same pages as `herald docs`,
 * built from what the registry holds right now. The site is rebuilt only when the registry's
 * content changed (subjects, versions, ids, levels), so browsing stays cheap while a schema
 * registered a moment ago shows up on the next page load.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ContractSet } from '../contracts/model.js';
import { renderSite } from './build.js';
import { createRenderer, type SiteFiles } from './render.js';
import { serviceHistoryReader, sourceFromRegistry, type RegistryHistoryReader, type RegistryServiceView } from './registry-source.js';

export interface DocsUiOptions {
  reader: RegistryHistoryReader;
  /** Mount point; default `/ui`. */
  prefix?: string;
  title?: string;
  /** Owners, consumers and key fields to show next to the registered schemas. */
  contracts?: () => Promise<ContractSet | undefined>;
}

/** The same policy the static pages carry in a meta tag: nothing but this site's own files. */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function contentType(file: string): string {
  const dot = file.lastIndexOf('.');
  return CONTENT_TYPES[dot >= 0 ? file.slice(dot) : ''] ?? 'application/octet-stream';
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

/** Keeps the rendered site of the registry's current content, rebuilding when that changes. */
class LiveSite {
  private stamp = '';
  private files: SiteFiles = new Map();
  private building: Promise<SiteFiles> | undefined;

  constructor(private readonly options: DocsUiOptions) {}

  async current(): Promise<SiteFiles> {
    // Requests arriving during a rebuild share it instead of starting their own.
    this.building ??= this.refresh().finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  private async refresh(): Promise<SiteFiles> {
    const subjects = await this.options.reader.read();
    const contracts = this.options.contracts ? await this.options.contracts() : undefined;
    const stamp = JSON.stringify([subjects.map((s) => [s.subject, s.compatibility, s.versions.map((v) => [v.version, v.id])]), contracts?.events.length ?? -1]);
    if (stamp !== this.stamp || this.files.size === 0) {
      const source = sourceFromRegistry(subjects, {
        origin: this.options.reader.describe(),
        title: this.options.title ?? 'Registered schemas',
        ...(contracts ? { contracts } : {}),
      });
      this.files = renderSite(source);
      this.stamp = stamp;
    }
    return this.files;
  }
}

export async function registerDocsUi(app: FastifyInstance, options: DocsUiOptions): Promise<void> {
  const prefix = (options.prefix ?? '/ui').replace(/\/+$/, '');
  const site = new LiveSite(options);
  const assets = createRenderer().assets();
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const url = new URL(request.url, 'http://localhost');
    const rest = url.pathname.slice(prefix.length);
    // Pages link relatively, so the index must be served from `/ui/`, not `/ui`. The redirect is
    // relative too, so it still works behind a proxy that mounts the registry under a path.
    if (rest === '') return securityHeaders(reply).code(308).header('location', `${prefix.slice(prefix.lastIndexOf('/') + 1)}/${url.search}`).type('text/plain; charset=utf-8').send('');
    let file: string;
    try {
      file = decodeURIComponent(rest.replace(/^\/+/, '')) || 'index.html';
    } catch {
      file = '';
    }
    // Assets do not depend on the registry's content: no need to read it for them.
    const body = file.startsWith('assets/') ? assets.get(file) : (await site.current()).get(file);
    if (body === undefined) {
      const home = `${'../'.repeat(Math.max(0, rest.replace(/^\/+/, '').split('/').length - 1))}index.html`;
      return securityHeaders(reply)
        .code(404)
        .type('text/html; charset=utf-8')
        .send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Not found</title><p>No such page here. <a href="${home}">All events</a></p></html>`);
    }
    return securityHeaders(reply).code(200).type(contentType(file)).send(body);
  };
  app.get(prefix, handler);
  app.get(`${prefix}/*`, handler);
}

/** `/ui` for herald's own registry server: reads the registry service in-process. */
export function registerRegistryDocsUi(app: FastifyInstance, service: RegistryServiceView, options: Omit<DocsUiOptions, 'reader'> = {}): Promise<void> {
  return registerDocsUi(app, { ...options, reader: serviceHistoryReader(service) });
}
