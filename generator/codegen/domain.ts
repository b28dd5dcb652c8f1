import type { Domain, EventVersion } from '../contracts/model.js';
import type { DefaultsPlan } from '../../runtime/codec/json.js';
import { avroEventTypes } from './avro-types.js';
import { jsonEventTypes, type JsonEventTypes } from './json-types.js';
import type { DeclModel, DomainModel, EventModel, EventVersionModel, NamedDecl, TypeExpr } from './model.js';
import { camelCase, NameScope, pascalCase } from './names.js';

/**
 * Builds one domain's code model from its event versions: translates each version, merges the
 * named types the versions share (one declaration per distinct shape, so `Address` used by three
 * versions is declared once), names everything collision-free, and marks the declarations that
 * need an `…Input` variant (fields with defaults are optional when publishing).
 */
export function buildDomainModel(domain: Domain, versions: readonly EventVersion[]): DomainModel {
  const perVersion = versions.map((event) => ({ event, types: event.format === 'avro' ? avroEventTypes(event) : jsonEventTypes(event) }));
  const byKey = new Map<string, DeclModel>();
  for (const { types } of perVersion) for (const decl of types.decls) byKey.set(decl.key, decl);

  // 1. A signature per declaration: its structure without docs, references replaced by their targets' signatures.
  const signatures = new Map<string, string>();
  const inProgress = new Set<string>();
  function signature(key: string): string {
    const known = signatures.get(key);
    if (known) return known;
    const decl = byKey.get(key);
    if (!decl) return `?${key}`;
    if (inProgress.has(key)) return `@${decl.family}`;
    inProgress.add(key);
    const text = `${decl.family}|${declStructure(decl, signature)}`;
    inProgress.delete(key);
    signatures.set(key, text);
    return text;
  }

  // 2. Group shapes per family, in order of first appearance.
  const canonical = new Map<string, string>(); // decl key → key of the declaration emitted for its shape
  const familyShapes = new Map<string, Array<{ signature: string; key: string; firstVersion: number; lastEvent: string; lastVersion: number; keys: string[] }>>();
  const order: string[] = [];
  for (const { event, types } of perVersion) {
    for (const decl of types.decls) {
      if (decl.family.startsWith('event:')) {
        canonical.set(decl.key, decl.key);
        order.push(decl.key);
        continue;
      }
      const sig = signature(decl.key);
      const shapes = familyShapes.get(decl.family) ?? [];
      familyShapes.set(decl.family, shapes);
      let shape = shapes.find((s) => s.signature === sig);
      if (!shape) {
        shape = { signature: sig, key: decl.key, firstVersion: event.version, lastEvent: event.name, lastVersion: event.version, keys: [] };
        shapes.push(shape);
        order.push(decl.key);
      }
      // The latest version's docs win: a doc fix in v2 shows on the shared declaration.
      shape.keys.push(decl.key);
      shape.lastEvent = event.name;
      shape.lastVersion = event.version;
      const emitted = byKey.get(shape.key)!;
      if (decl.doc !== undefined) emitted.doc = decl.doc;
      canonical.set(decl.key, shape.key);
    }
  }
  for (const shapes of familyShapes.values()) for (const shape of shapes) for (const key of shape.keys) canonical.set(key, shape.key);

  // 3. Names: domain-level and event names first, then types, families with several shapes as `NameV<n>` plus an alias.
  const scope = new NameScope();
  const pascal = pascalCase(domain.name);
  const eventsByName = new Map<string, EventVersion[]>();
  for (const event of versions) eventsByName.set(event.name, [...(eventsByName.get(event.name) ?? []), event]);
  for (const [name, list] of eventsByName) {
    scope.reserve(name);
    scope.reserve(`${name}Input`);
    for (const event of list) {
      scope.reserve(`${name}V${event.version}`);
      scope.reserve(`${name}V${event.version}Input`);
    }
  }
  for (const suffix of ['Event', 'EventType', 'EventHandlers', 'Events', 'EventPublisher', 'EventOutbox']) scope.reserve(`${pascal}${suffix}`);
  scope.reserve(`create${pascal}Events`);

  const names = new Map<string, NamedDecl>();
  const familyAliases: DomainModel['familyAliases'] = [];
  for (const key of order) {
    const decl = byKey.get(key)!;
    if (decl.family.startsWith('event:')) names.set(key, { decl, name: decl.baseName });
  }
  const qualifiedCandidates = (decl: DeclModel): string[] => {
    const match = /^avro:(.+)\.[^.]+$/.exec(decl.family);
    if (!match) return [decl.baseName];
    const segments = match[1]!.split('.');
    return [decl.baseName, ...segments.map((_, i) => pascalCase(segments.slice(segments.length - 1 - i).join('_')) + decl.baseName)];
  };
  const baseNameCount = new Map<string, number>();
  for (const [, shapes] of familyShapes) {
    const base = byKey.get(shapes[0]!.key)!.baseName;
    baseNameCount.set(base, (baseNameCount.get(base) ?? 0) + 1);
  }
  for (const [, shapes] of familyShapes) {
    const first = byKey.get(shapes[0]!.key)!;
    // Two families with one short name (com.acme.billing.Address, com.acme.shipping.Address) are both qualified.
    const qualified = qualifiedCandidates(first);
    const candidates = baseNameCount.get(first.baseName)! > 1 && qualified.length > 1 ? qualified.slice(1) : qualified;
    if (shapes.length === 1) {
      const name = scope.claim(...candidates);
      names.set(shapes[0]!.key, { decl: first, name });
      continue;
    }
    const base = scope.claim(...candidates);
    const used = new Set<number>();
    shapes.forEach((shape, i) => {
      const n = used.has(shape.firstVersion) ? i + 1 : shape.firstVersion;
      used.add(n);
      names.set(shape.key, { decl: byKey.get(shape.key)!, name: scope.claim(`${base}V${n}`) });
    });
    const latest = [...shapes].sort((a, b) => a.lastEvent.localeCompare(b.lastEvent) || b.lastVersion - a.lastVersion)[0]!;
    familyAliases.push({ name: base, target: names.get(latest.key)!.name, doc: byKey.get(latest.key)!.doc });
  }
  for (const [key, target] of canonical) if (!names.has(key)) names.set(key, names.get(target)!);

  // 4. Which declarations need an input variant (a field publishing may leave out, directly or below).
  const needsInput = new Set<string>();
  const emittedKeys = order.map((key) => canonical.get(key)!).filter((key, i, all) => all.indexOf(key) === i);
  let changed = true;
  const refNeeds = (type: TypeExpr): boolean => anyRef(type, (key) => needsInput.has(canonical.get(key) ?? key));
  while (changed) {
    changed = false;
    for (const key of emittedKeys) {
      if (needsInput.has(key)) continue;
      const decl = byKey.get(key)!;
      const needs =
        decl.kind === 'interface'
          ? decl.fields.some((f) => (f.inputOptional && !f.optional) || refNeeds(f.type)) || (decl.index !== undefined && refNeeds(decl.index)) || (decl.also !== undefined && refNeeds(decl.also))
          : decl.kind === 'alias'
            ? refNeeds(decl.type)
            : false;
      if (needs) {
        needsInput.add(key);
        changed = true;
      }
    }
  }
  for (const key of emittedKeys) {
    const named = names.get(key)!;
    if (named.decl.family.startsWith('event:')) named.inputName = `${named.name}Input`;
    else if (needsInput.has(key)) named.inputName = scope.claim(`${named.name}Input`);
  }
  for (const alias of familyAliases) {
    const target = [...names.values()].find((n) => n.name === alias.target);
    if (target?.inputName) {
      alias.targetInput = target.inputName;
      alias.inputName = scope.claim(`${alias.name}Input`);
    }
  }

  // 5. Events.
  const events: EventModel[] = [];
  for (const [name, list] of eventsByName) {
    const models = list.map((event): EventVersionModel => {
      const types = perVersion.find((p) => p.event === event)!.types;
      const rootNamed = names.get(types.root)!;
      const model: EventVersionModel = {
        version: event.version,
        typeName: rootNamed.name,
        inputName: `${rootNamed.name}Input`,
        inputDiffers: needsInput.has(types.root),
        codecName: `${camelCase(name)}V${event.version}`,
        label: event.label,
        type: event.type,
        subject: event.subject,
        format: event.format,
        schemaText: event.text,
        file: event.file,
        doc: event.doc,
      };
      if (event.format === 'json') {
        model.validatorName = `validate${name}V${event.version}`;
        const defaults = (types as JsonEventTypes).defaults;
        if (defaults) model.defaults = renamePlans(defaults, (key) => names.get(key)?.name ?? key);
      }
      return model;
    });
    events.push({ name, type: list[0]!.type, methodName: camelCase(name), versions: models, latest: models[models.length - 1]!, doc: models[models.length - 1]!.doc });
  }

  const decls = emittedKeys.map((key) => names.get(key)!);
  return {
    name: domain.name,
    pascal,
    topic: domain.topic,
    key: domain.key,
    namespace: domain.namespace,
    description: domain.description,
    decls,
    familyAliases,
    events,
    names: new Map([...canonical.keys()].map((key) => [key, names.get(key)!])),
    hasJson: versions.some((v) => v.format === 'json'),
    hasAvro: versions.some((v) => v.format === 'avro'),
  };
}

function renamePlans(defaults: { root: string; plans: Record<string, DefaultsPlan> }, rename: (key: string) => string): { root: string; plans: Record<string, DefaultsPlan> } {
  const name = (planName: string): string => planName.replace(/^(.*?)((?:\[\]|\{\})*)$/, (_m, key: string, suffix: string) => rename(key) + suffix);
  const plans: Record<string, DefaultsPlan> = {};
  for (const [key, plan] of Object.entries(defaults.plans)) {
    const renamed: DefaultsPlan = {};
    if (plan.defaults) renamed.defaults = plan.defaults;
    if (plan.properties) renamed.properties = Object.fromEntries(Object.entries(plan.properties).map(([k, v]) => [k, name(v)]));
    if (plan.items) renamed.items = name(plan.items);
    if (plan.values) renamed.values = name(plan.values);
    plans[name(key)] = renamed;
  }
  return { root: name(defaults.root), plans };
}

function declStructure(decl: DeclModel, signature: (key: string) => string): string {
  const type = (t: TypeExpr): string => typeStructure(t, signature);
  switch (decl.kind) {
    case 'enum':
      return `enum(${JSON.stringify(decl.symbols)})`;
    case 'alias':
      return `alias(${type(decl.type)})`;
    case 'interface':
      return `interface(${decl.fields.map((f) => `${f.name}${f.optional ? '?' : ''}${f.inputOptional ? '~' : ''}:${type(f.type)}`).join(',')}|${decl.index ? type(decl.index) : ''}|${decl.also ? type(decl.also) : ''})`;
  }
}

function typeStructure(type: TypeExpr, signature: (key: string) => string): string {
  const inner = (t: TypeExpr) => typeStructure(t, signature);
  switch (type.kind) {
    case 'keyword':
      return type.name;
    case 'literal':
      return JSON.stringify(type.value);
    case 'array':
      return `${inner(type.items)}[]`;
    case 'tuple':
      return `[${type.items.map(inner).join(',')}|${type.required}|${type.rest ? inner(type.rest) : ''}]`;
    case 'map':
      return `map<${inner(type.values)}>`;
    case 'union':
      return `(${type.members.map(inner).join('|')})`;
    case 'intersection':
      return `(${type.members.map(inner).join('&')})`;
    case 'tagged':
      return `tag(${type.tag},${inner(type.value)})`;
    case 'object':
      return `{${type.fields.map((f) => `${f.name}${f.optional ? '?' : ''}${f.inputOptional ? '~' : ''}:${inner(f.type)}`).join(',')}|${type.index ? inner(type.index) : ''}}`;
    case 'ref':
      return `#${signature(type.key)}`;
  }
}

export function anyRef(type: TypeExpr, test: (key: string) => boolean): boolean {
  switch (type.kind) {
    case 'ref':
      return test(type.key);
    case 'array':
      return anyRef(type.items, test);
    case 'tuple':
      return type.items.some((i) => anyRef(i, test)) || (type.rest !== undefined && anyRef(type.rest, test));
    case 'map':
      return anyRef(type.values, test);
    case 'union':
    case 'intersection':
      return type.members.some((m) => anyRef(m, test));
    case 'tagged':
      return anyRef(type.value, test);
    case 'object':
      return type.fields.some((f) => (f.inputOptional && !f.optional) || anyRef(f.type, test)) || (type.index !== undefined && anyRef(type.index, test));
    default:
      return false;
  }
}
