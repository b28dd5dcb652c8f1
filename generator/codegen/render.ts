import { jsDoc } from './docs.js';
import type { FieldModel, NamedDecl, TypeExpr } from './model.js';
import { propertyKey } from './names.js';

/** Which side of the wire a type is for: what readers get, or what publishers may pass. */
export type Side = 'output' | 'input';

export interface RenderContext {
  names: Map<string, NamedDecl>;
  side: Side;
}

const MAX_LINE = 100;

/** A type expression as TypeScript, indented for a position at `indent`. */
export function renderType(type: TypeExpr, ctx: RenderContext, indent = ''): string {
  switch (type.kind) {
    case 'keyword':
      return type.name;
    case 'literal':
      return typeof type.value === 'string' ? quote(type.value) : String(type.value);
    case 'array': {
      const items = renderType(type.items, ctx, indent);
      return needsParens(type.items) ? `Array<${items}>` : `${items}[]`;
    }
    case 'map':
      return `Record<string, ${renderType(type.values, ctx, indent)}>`;
    case 'tuple': {
      const items = type.items.map((item, i) => `${renderType(item, ctx, indent)}${i >= type.required ? '?' : ''}`);
      if (type.rest) items.push(`...${needsParens(type.rest) ? `Array<${renderType(type.rest, ctx, indent)}>` : `${renderType(type.rest, ctx, indent)}[]`}`);
      return `[${items.join(', ')}]`;
    }
    case 'ref': {
      const named = ctx.names.get(type.key);
      if (!named) throw new Error(`herald codegen: unresolved reference ${type.key}`);
      return ctx.side === 'input' && named.inputName ? named.inputName : named.name;
    }
    case 'tagged':
      return `{ kind: ${quote(type.tag)}; value: ${renderType(type.value, ctx, indent)} }`;
    case 'object':
      return renderObject(type.fields, type.index, ctx, indent);
    case 'intersection':
      return type.members.map((m) => (m.kind === 'union' ? `(${renderType(m, ctx, indent)})` : renderType(m, ctx, indent))).join(' & ');
    case 'union': {
      const members = type.members.map((m) => renderType(m, ctx, `${indent}  `));
      const single = members.join(' | ');
      if (single.length + indent.length <= MAX_LINE && !single.includes('\n')) return single;
      return members.map((m) => `\n${indent}  | ${m}`).join('');
    }
  }
}

function needsParens(type: TypeExpr): boolean {
  return type.kind === 'union' || type.kind === 'intersection';
}

export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}'`;
}

/** The members of an interface or object type, one per line with their JSDoc. */
export function renderFields(fields: readonly FieldModel[], index: TypeExpr | undefined, ctx: RenderContext, indent: string): string {
  let out = '';
  for (const field of fields) {
    out += jsDoc(field.doc, field.notes, indent);
    const optional = ctx.side === 'input' ? field.inputOptional : field.optional;
    out += `${indent}${propertyKey(field.name)}${optional ? '?' : ''}: ${renderType(field.type, ctx, indent)};\n`;
  }
  if (index) {
    const members = fields.map((f) => f.type);
    const valueType: TypeExpr = members.length ? { kind: 'union', members: [index, ...members] } : index;
    out += `${indent}[key: string]: ${renderType(valueType, ctx, indent)}${fields.some((f) => (ctx.side === 'input' ? f.inputOptional : f.optional)) ? ' | undefined' : ''};\n`;
  }
  return out;
}

function renderObject(fields: readonly FieldModel[], index: TypeExpr | undefined, ctx: RenderContext, indent: string): string {
  if (!fields.length && !index) return 'Record<string, never>';
  const compact = fields.every((f) => !f.doc && !f.notes.length) && fields.length <= 3;
  if (compact) {
    const parts = fields.map((f) => `${propertyKey(f.name)}${(ctx.side === 'input' ? f.inputOptional : f.optional) ? '?' : ''}: ${renderType(f.type, ctx, indent)}`);
    if (index) parts.push(`[key: string]: ${renderType(index, ctx, indent)}`);
    const text = `{ ${parts.join('; ')} }`;
    if (text.length + indent.length <= MAX_LINE && !text.includes('\n')) return text;
  }
  return `{\n${renderFields(fields, index, ctx, `${indent}  `)}${indent}}`;
}
