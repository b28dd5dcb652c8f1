/**
 * JSDoc from schema docs. A doc may contain anything, so `*\/` (which would end the comment and
 * leave the rest of the file unparseable) is broken up, and `@` at a line start is escaped so a
 * doc cannot invent tags.
 */

export function escapeDocText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\*\//g, '*\\/')
    .replace(/^(\s*)@/gm, '$1\\@')
    .replace(/[\u2028\u2029]/g, ' ');
}

/** A JSDoc block at `indent`, or '' when there is nothing to say. */
export function jsDoc(doc: string | undefined, notes: readonly string[] = [], indent = ''): string {
  const lines: string[] = [];
  if (doc && doc.trim()) lines.push(...escapeDocText(doc.trim()).split('\n'));
  // Notes are tag lines (`@defaultValue …`) or sentences herald writes; only `*/` needs breaking up.
  if (lines.length && notes.length) lines.push('');
  for (const note of notes) lines.push(...note.replace(/\*\//g, '*\\/').split('\n'));
  if (lines.length === 0) return '';
  if (lines.length === 1 && lines[0]!.length + indent.length < 100) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => (line ? `${indent} * ${line}` : `${indent} *`)).join('\n')}\n${indent} */\n`;
}

/** A tag line (`@defaultValue "x"`); its text may not start another tag. */
export function tag(name: string, text: string): string {
  return `@${name} ${escapeDocText(text).replace(/\n\s*@/g, '\n\\@')}`;
}
