/**
 * From a docs source to page models: plain data (strings, numbers, booleans, lists) for each
 * page, with every link already made relative to the page that holds it. The templates only lay
 * this out; deciding what a page says happens here, where it can be tested without HTML.
 *
 * Layout of the site: `index.html`, `domains/<slug>.html`, `events/<slug>.html`, `assets/…`.
 */
import { createHash } from 'node:crypto';
import type { CompatibilityLevel } from '../compat/levels.js';
import { diagramSvg, type DiagramNode, type DiagramTopic } from './diagram-svg.js';
import { examplePayload, type ExamplePayload } from './example-payload.js';
import { fieldTable, sinceVersions, type FieldConstraint, type FieldRow } from './field-table.js';
import type { DocsDomain, DocsEvent, DocsSource, DocsVersion } from './source.js';
import { docNode, paragraphs, summary, type DocNode, type Paragraph } from './text.js';
import { historyVerdicts, type StepVerdict } from './verdicts.js';
import { diffFieldTables, type VersionDiff } from './version-diff.js';

export interface Link {
  text: string;
  href?: string;
}

interface PageBase {
  /** Site-relative path of the page, e.g. `events/com.acme.project.ProjectCreated.html`. */
  path: string;
  /** Prefix from this page to the site root: `` or `../`. */
  root: string;
  title: string;
  siteTitle: string;
  origin: string;
}

export interface IndexPage extends PageBase {
  kind: 'index';
  stats: { domains: number; events: number; versions: number };
  domains: IndexDomain[];
  notes: string[];
  /** Every producer, topic and consumer of the site. */
  systemSvg: string;
}

export interface IndexDomain {
  name: string;
  href: string;
  topic?: string;
  owner?: string;
  summary: string;
  events: IndexEvent[];
}

export interface IndexEvent {
  name: string;
  type: string;
  href: string;
  latest: number;
  versions: number;
  format: string;
  compatibility: CompatibilityLevel;
  summary: string;
  /** Lower-case text the search box matches: names, type, topic, subject and field paths. */
  search: string;
}

export interface DomainPage extends PageBase {
  kind: 'domain';
  name: string;
  facts: Fact[];
  description: Paragraph[];
  docs?: DocNode;
  svg: string;
  /** The diagram in words, for readers who cannot see it. */
  producers: Link[];
  consumers: Link[];
  events: { name: string; href: string; latest: number; format: string; summary: string }[];
  indexHref: string;
}

export interface Fact {
  label: string;
  value?: string;
  links?: Link[];
  /** Rendered as code. */
  code?: boolean;
  /** Long values (subjects, file paths) get two columns. */
  wide?: boolean;
}

export interface FieldRowModel {
  id: string;
  path: string;
  name: string;
  /** The part of the path before the name, e.g. `lineItems[].`. */
  parent: string;
  depth: number;
  type: string;
  required: boolean;
  nullable: boolean;
  default?: string;
  doc: Paragraph[];
  constraints: FieldConstraint[];
  since?: number;
  sinceHref?: string;
  recursiveOf?: string;
  isKey: boolean;
}

export interface DiffRowModel {
  path: string;
  type: string;
  required: boolean;
  changes: string[];
}

export interface VersionStepModel {
  version: number;
  anchor: string;
  latest: boolean;
  file?: string;
  fingerprint?: string;
  registryId?: number;
  unpublished: boolean;
  fieldCount: number;
  schemaId: string;
  schemaText: string;
  diff?: {
    id: string;
    from: number;
    to: number;
    added: DiffRowModel[];
    removed: DiffRowModel[];
    changed: DiffRowModel[];
    docsChanged: DiffRowModel[];
    eventDocChanged: boolean;
    empty: boolean;
    summary: string;
  };
  verdict?: StepVerdict & { compatible: boolean; incompatible: boolean };
}

export interface EventPage extends PageBase {
  kind: 'event';
  name: string;
  type: string;
  format: string;
  latest: number;
  compatibility: CompatibilityLevel;
  description: Paragraph[];
  facts: Fact[];
  domain: Link;
  fields: FieldRowModel[];
  /** What "required" means for this format, under the table. */
  fieldsNote: string;
  versions: VersionStepModel[];
  example: ExamplePayload & { id: string };
  indexHref: string;
}

export type Page = IndexPage | DomainPage | EventPage;

export interface SiteModel {
  title: string;
  pages: Page[];
}

// ---------------------------------------------------------------------------------------------

/** File-name-safe slugs, unique even on case-insensitive file systems. */
class Slugger {
  private readonly used = new Set<string>();

  slug(name: string): string {
    let slug = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 120);
    if (slug !== name || slug === '') slug = `${slug || 'x'}-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
    let candidate = slug;
    for (let n = 2; this.used.has(candidate.toLowerCase()); n++) candidate = `${slug}-${n}`;
    this.used.add(candidate.toLowerCase());
    return candidate;
  }
}

/** A site-relative path as seen from another page of the site. */
export function relative(from: string, to: string): string {
  const depth = from.split('/').length - 1;
  return '../'.repeat(depth) + to;
}

function formatLabel(event: DocsEvent, version?: DocsVersion): string {
  if (event.format === 'avro') return 'Avro';
  const declared = version && typeof version.schema === 'object' && version.schema !== null ? (version.schema as Record<string, unknown>)['$schema'] : undefined;
  const draft = typeof declared === 'string' ? (declared.includes('2020-12') ? '2020-12' : declared.includes('2019-09') ? '2019-09' : 'draft-07') : 'draft-07';
  return `JSON Schema ${draft}`;
}

function eventDoc(event: DocsEvent, version: DocsVersion | undefined): string | undefined {
  const schema = version?.schema;
  if (typeof schema !== 'object' || schema === null) return undefined;
  const doc = (schema as Record<string, unknown>)[event.format === 'avro' ? 'doc' : 'description'];
  return typeof doc === 'string' ? doc : undefined;
}

function prettySchemaText(version: DocsVersion): string {
  // Registries often hold schemas on one line; pretty-printing keeps the page readable and is
  // the same schema. Files are shown exactly as written.
  if (version.text.includes('\n')) return version.text.replace(/\s+$/, '');
  return JSON.stringify(version.schema, null, 2);
}

function diffRows(rows: FieldRow[]): DiffRowModel[] {
  return rows.map((row) => ({ path: row.path, type: row.type, required: row.required, changes: [] }));
}

function countWords(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface EventPlan {
  event: DocsEvent;
  path: string;
  tables: FieldRow[][];
}

export interface BuildOptions {
  /** Skip compatibility verdicts (benchmarks of the other stages). */
  verdicts?: boolean;
}

export function buildSiteModel(source: DocsSource, options: BuildOptions = {}): SiteModel {
  const slugger = new Slugger();
  const domains = completeDomains(source);
  const domainPath = new Map(domains.map((d) => [d.name, `domains/${slugger.slug(d.name)}.html`]));
  const events = [...source.events].sort((a, b) => a.domain.localeCompare(b.domain) || a.name.localeCompare(b.name) || a.type.localeCompare(b.type) || a.subject.localeCompare(b.subject));
  const perType = new Map<string, number>();
  for (const event of events) perType.set(event.type, (perType.get(event.type) ?? 0) + 1);
  const plans: EventPlan[] = events.map((event) => ({
    event,
    // One type registered under several subjects (a registry can hold that) gets a page per subject.
    path: `events/${slugger.slug((perType.get(event.type) ?? 0) > 1 ? `${event.type}@${event.subject}` : event.type)}.html`,
    tables: event.versions.map((v) => fieldTable(event.format, v.schema)),
  }));
  // A service links to the domain it owns, so the diagrams can be followed from service to service.
  const ownedBy = new Map<string, string>();
  for (const d of domains) if (d.owner && !ownedBy.has(d.owner)) ownedBy.set(d.owner, domainPath.get(d.name)!);

  const base = { siteTitle: source.title, origin: source.origin };
  const pages: Page[] = [];
  pages.push(indexPage(source, domains, plans, domainPath, ownedBy, base));
  for (const domain of domains) {
    pages.push(domainPage(domain, plans.filter((p) => p.event.domain === domain.name), domainPath, ownedBy, base));
  }
  for (const plan of plans) pages.push(eventPage(plan, domains.find((d) => d.name === plan.event.domain)!, domainPath, ownedBy, base, options));
  return { title: source.title, pages };
}

/** Domains named by events but not described (a registry subject without a contract) get a bare entry. */
function completeDomains(source: DocsSource): DocsDomain[] {
  const domains = [...source.domains];
  for (const event of source.events) {
    if (!domains.some((d) => d.name === event.domain)) {
      domains.push({ name: event.domain, ...(event.topic ? { topic: event.topic } : {}), consumers: [], docs: {} });
    }
  }
  return domains.sort((a, b) => a.name.localeCompare(b.name));
}

function serviceLink(name: string, from: string, ownedBy: Map<string, string>, self?: string): Link {
  const target = ownedBy.get(name);
  return target && target !== self ? { text: name, href: relative(from, target) } : { text: name };
}

function indexPage(
  source: DocsSource,
  domains: DocsDomain[],
  plans: EventPlan[],
  domainPath: Map<string, string>,
  ownedBy: Map<string, string>,
  base: { siteTitle: string; origin: string },
): IndexPage {
  const path = 'index.html';
  const indexDomains: IndexDomain[] = domains.map((domain) => ({
    name: domain.name,
    href: relative(path, domainPath.get(domain.name)!),
    ...(domain.topic ? { topic: domain.topic } : {}),
    ...(domain.owner ? { owner: domain.owner } : {}),
    summary: summary(domain.description),
    events: plans
      .filter((p) => p.event.domain === domain.name)
      .map(({ event, path: eventPath, tables }) => {
        const latest = event.versions.at(-1);
        const fields = (tables.at(-1) ?? []).map((r) => r.path);
        return {
          name: event.name,
          type: event.type,
          href: relative(path, eventPath),
          latest: latest?.version ?? 0,
          versions: event.versions.length,
          format: formatLabel(event, latest),
          compatibility: event.compatibility,
          summary: summary(eventDoc(event, latest)),
          search: [event.name, event.type, domain.name, event.topic ?? '', event.subject, ...fields].join(' ').toLowerCase(),
        };
      }),
  }));
  return {
    kind: 'index',
    path,
    root: '',
    title: source.title,
    ...base,
    stats: { domains: domains.length, events: plans.length, versions: plans.reduce((n, p) => n + p.event.versions.length, 0) },
    domains: indexDomains,
    notes: source.notes,
    systemSvg: systemDiagram(domains, plans, path, domainPath, ownedBy),
  };
}

function systemDiagram(domains: DocsDomain[], plans: EventPlan[], from: string, domainPath: Map<string, string>, ownedBy: Map<string, string>): string {
  const producers = new Map<string, DiagramNode>();
  const consumers = new Map<string, DiagramNode>();
  const topics: DiagramTopic[] = [];
  const edges: { from: string; to: string }[] = [];
  for (const domain of domains) {
    const topicId = `t:${domain.name}`;
    const count = plans.filter((p) => p.event.domain === domain.name).length;
    const label = domain.topic ?? domain.name;
    const caption = label === domain.name ? countWords(count, 'event type') : `${domain.name} · ${countWords(count, 'event type')}`;
    topics.push({ id: topicId, label, href: relative(from, domainPath.get(domain.name)!), caption });
    // Topics whose producer is not recorded (registry subjects) share one dashed node.
    const producerId = domain.owner ? `p:${domain.owner}` : 'p?';
    if (!producers.has(producerId)) {
      producers.set(producerId, domain.owner ? { id: producerId, label: domain.owner, ...serviceHref(domain.owner, from, ownedBy) } : { id: producerId, label: 'producer not recorded', unknown: true });
    }
    edges.push({ from: producerId, to: topicId });
    for (const consumer of domain.consumers) {
      if (!consumers.has(consumer)) consumers.set(consumer, { id: `c:${consumer}`, label: consumer, ...serviceHref(consumer, from, ownedBy) });
      edges.push({ from: topicId, to: `c:${consumer}` });
    }
  }
  return diagramSvg({
    idPrefix: 'system',
    title: 'All producers, topics and consumers',
    description: domains
      .map((d) => `${d.owner ?? 'An unknown producer'} publishes to ${d.topic ?? d.name}${d.consumers.length > 0 ? `, consumed by ${d.consumers.join(', ')}` : ''}.`)
      .join(' '),
    producers: [...producers.values()],
    topics,
    consumers: [...consumers.values()],
    edges,
  });
}

function serviceHref(name: string, from: string, ownedBy: Map<string, string>): { href?: string } {
  const target = ownedBy.get(name);
  return target ? { href: relative(from, target) } : {};
}

function domainPage(
  domain: DocsDomain,
  plans: EventPlan[],
  domainPath: Map<string, string>,
  ownedBy: Map<string, string>,
  base: { siteTitle: string; origin: string },
): DomainPage {
  const path = domainPath.get(domain.name)!;
  const topicLabel = domain.topic ?? domain.name;
  const owner = domain.owner;
  const facts: Fact[] = [
    { label: 'Topic', value: domain.topic ?? 'not recorded', code: domain.topic !== undefined },
    ...(domain.namespace ? [{ label: 'Namespace', value: domain.namespace, code: true }] : []),
    { label: 'Key field', value: domain.key ?? 'not recorded', code: domain.key !== undefined },
    { label: 'Compatibility', value: domain.compatibility ?? 'per subject (see each event)' },
    { label: 'Owner (producer)', ...(owner ? { links: [{ text: owner }] } : { value: 'not recorded' }) },
    { label: 'Consumers', ...(domain.consumers.length > 0 ? { links: domain.consumers.map((c) => serviceLink(c, path, ownedBy, path)) } : { value: 'none recorded' }) },
    ...(domain.file ? [{ label: 'Defined in', value: domain.file, code: true, wide: domain.file.length > 28 }] : []),
  ];
  const svg = diagramSvg({
    idPrefix: 'domain',
    title: `${topicLabel}: producers and consumers`,
    description: `${owner ?? 'An unknown producer'} publishes ${countWords(plans.length, 'event type')} to ${topicLabel}. ${
      domain.consumers.length > 0 ? `Consumed by ${domain.consumers.join(', ')}.` : 'No consumers are recorded.'
    }`,
    producers: [{ id: 'p', label: owner ?? 'producer not recorded', ...(owner ? {} : { unknown: true }) }],
    topics: [
      {
        id: 't',
        label: topicLabel,
        events: plans.map((p) => ({ id: p.event.type, label: `${p.event.name} v${p.event.versions.at(-1)?.version ?? 0}`, href: relative(path, p.path) })),
      },
    ],
    consumers:
      domain.consumers.length > 0
        ? domain.consumers.map((c, i) => ({ id: `c${i}`, label: c, ...serviceHref(c, path, ownedBy) }))
        : [{ id: 'c-none', label: 'no consumers recorded', unknown: true }],
    edges: [{ from: 'p', to: 't' }, ...(domain.consumers.length > 0 ? domain.consumers.map((_, i) => ({ from: 't', to: `c${i}` })) : [{ from: 't', to: 'c-none' }])],
  });
  const docs = Object.keys(domain.docs).length > 0 ? docNode(domain.docs) : undefined;
  return {
    kind: 'domain',
    path,
    root: '../',
    title: `${domain.name} domain`,
    ...base,
    name: domain.name,
    facts,
    description: paragraphs(domain.description),
    ...(docs ? { docs } : {}),
    svg,
    producers: owner ? [{ text: owner }] : [],
    consumers: domain.consumers.map((c) => serviceLink(c, path, ownedBy, path)),
    events: plans.map((p) => ({
      name: p.event.name,
      href: relative(path, p.path),
      latest: p.event.versions.at(-1)?.version ?? 0,
      format: formatLabel(p.event, p.event.versions.at(-1)),
      summary: summary(eventDoc(p.event, p.event.versions.at(-1))),
    })),
    indexHref: relative(path, 'index.html'),
  };
}

function eventPage(
  plan: EventPlan,
  domain: DocsDomain,
  domainPath: Map<string, string>,
  ownedBy: Map<string, string>,
  base: { siteTitle: string; origin: string },
  options: BuildOptions,
): EventPage {
  const { event, path, tables } = plan;
  const latest = event.versions.at(-1);
  const latestRows = tables.at(-1) ?? [];
  const since = sinceVersions(event.versions.map((v, i) => ({ version: v.version, rows: tables[i]! })));
  const ids = new Slugger();
  const fields: FieldRowModel[] = latestRows.map((row) => {
    const sinceVersion = since.get(row.path);
    const parent = row.path.slice(0, row.path.length - row.name.length);
    return {
      id: `field-${ids.slug(row.path)}`,
      path: row.path,
      name: row.name,
      parent,
      depth: row.depth,
      type: row.type,
      required: row.required,
      nullable: row.nullable,
      ...(row.default !== undefined ? { default: row.default } : {}),
      doc: paragraphs(row.doc),
      constraints: row.constraints,
      ...(sinceVersion !== undefined ? { since: sinceVersion, sinceHref: `#v${sinceVersion}` } : {}),
      ...(row.recursiveOf ? { recursiveOf: row.recursiveOf } : {}),
      isKey: row.depth === 0 && row.path === event.key,
    };
  });
  const keyRow = fields.find((f) => f.isKey);
  const verdicts = options.verdicts === false ? [] : historyVerdicts(event);
  const domainHref = relative(path, domainPath.get(domain.name)!);
  const owner = domain.owner;
  const facts: Fact[] = [
    { label: 'Domain', links: [{ text: domain.name, href: domainHref }] },
    { label: 'Topic', ...(event.topic ? { links: [{ text: event.topic, href: domainHref }] } : { value: 'not recorded' }) },
    { label: 'Key field', ...(event.key ? { links: [{ text: event.key, ...(keyRow ? { href: `#${keyRow.id}` } : {}) }] } : { value: 'not recorded' }) },
    { label: 'Subject', value: event.subject, code: true, wide: event.subject.length > 28 },
    { label: 'Compatibility', value: event.compatibility },
    { label: 'Format', value: formatLabel(event, latest) },
    { label: 'Owner (producer)', ...(owner ? { links: [serviceLink(owner, path, ownedBy)] } : { value: 'not recorded' }) },
    { label: 'Consumers', ...(domain.consumers.length > 0 ? { links: domain.consumers.map((c) => serviceLink(c, path, ownedBy)) } : { value: 'none recorded' }) },
    ...(latest?.file ? [{ label: 'Latest file', value: latest.file, code: true, wide: latest.file.length > 28 }] : []),
  ];
  const versions: VersionStepModel[] = event.versions.map((version, i) => {
    const step: VersionStepModel = {
      version: version.version,
      anchor: `v${version.version}`,
      latest: i === event.versions.length - 1,
      ...(version.file ? { file: version.file } : {}),
      ...(version.fingerprint ? { fingerprint: version.fingerprint.slice(0, 19) } : {}),
      ...(version.registryId !== undefined ? { registryId: version.registryId } : {}),
      unpublished: version.published === false,
      fieldCount: tables[i]!.length,
      schemaId: `schema-v${version.version}`,
      schemaText: prettySchemaText(version),
    };
    if (i > 0) {
      const previous = event.versions[i - 1]!;
      const diff: VersionDiff = diffFieldTables(tables[i - 1]!, tables[i]!);
      const eventDocChanged = eventDoc(event, previous) !== eventDoc(event, version);
      const parts = [
        diff.added.length > 0 ? `${diff.added.length} added` : '',
        diff.removed.length > 0 ? `${diff.removed.length} removed` : '',
        diff.changed.length > 0 ? `${diff.changed.length} changed` : '',
        diff.docsChanged.length > 0 || eventDocChanged ? 'docs edited' : '',
      ].filter(Boolean);
      step.diff = {
        id: `diff-v${previous.version}-v${version.version}`,
        from: previous.version,
        to: version.version,
        added: diffRows(diff.added),
        removed: diffRows(diff.removed),
        changed: diff.changed.map(({ row, changes }) => ({ path: row.path, type: row.type, required: row.required, changes })),
        docsChanged: diffRows(diff.docsChanged),
        eventDocChanged,
        empty: parts.length === 0,
        summary: parts.length > 0 ? parts.join(', ') : 'no field changes',
      };
      const verdict = verdicts[i - 1];
      if (verdict) step.verdict = { ...verdict, compatible: verdict.status === 'compatible', incompatible: verdict.status === 'incompatible' };
    }
    return step;
  });
  const example = latest ? examplePayload(event.format, latest.schema) : { json: '', valid: false, problems: ['no versions'], encoding: 'json' as const };
  return {
    kind: 'event',
    path,
    root: '../',
    title: `${event.name} v${latest?.version ?? 0}`,
    ...base,
    name: event.name,
    type: event.type,
    format: formatLabel(event, latest),
    latest: latest?.version ?? 0,
    compatibility: event.compatibility,
    description: paragraphs(eventDoc(event, latest)),
    facts,
    domain: { text: domain.name, href: domainHref },
    fields,
    fieldsNote:
      event.format === 'avro'
        ? 'Required: the field has no default, so every producer must set it. Optional fields have a default, which readers use for data written without them. Nested fields are listed under their parent: [] for array items, {} for map values, <Name> for one branch of a union.'
        : 'Required: listed in its object\'s "required". Nested fields are listed under their parent: [] for array items, {} for map values, <Name> for one branch of a oneOf/anyOf.',
    // Newest first: readers come for the current contract and the latest change.
    versions: [...versions].reverse(),
    example: { ...example, id: 'example-json' },
    indexHref: relative(path, 'index.html'),
  };
}
