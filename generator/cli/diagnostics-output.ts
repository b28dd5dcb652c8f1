import type { Diagnostic } from '../contracts/diagnostics.js';
import { colours, count } from './terminal.js';

export type DiagnosticsFormat = 'human' | 'json';

export interface DiagnosticsSummary {
  domains: number;
  events: number;
}

/** Renders lint findings: `file:line:col` first so editors and terminals make it a link. */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  format: DiagnosticsFormat,
  summary: DiagnosticsSummary,
  stream: NodeJS.WriteStream,
): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (format === 'json') {
    return JSON.stringify({ ok: errors === 0, errors, warnings, ...summary, diagnostics }, null, 2) + '\n';
  }
  const paint = colours(stream);
  const lines = diagnostics.map((d) => {
    const where = d.line !== undefined ? `${d.file}:${d.line}:${d.column ?? 1}` : d.file;
    const severity = d.severity === 'error' ? paint('red', 'error') : paint('yellow', 'warning');
    const pointer = d.pointer ? ` ${paint('dim', `(at ${d.pointer})`)}` : '';
    return `${paint('bold', where)}: ${severity} ${d.rule}: ${d.message}${pointer}`;
  });
  const counted = `${count(summary.events, 'event version')} in ${count(summary.domains, 'domain')}`;
  const tally =
    errors + warnings === 0
      ? paint('green', `✓ ${counted}: no problems`)
      : `${errors > 0 ? paint('red', '✖') : paint('yellow', '!')} ${count(errors, 'error')}, ${count(warnings, 'warning')} (${counted} loaded)`;
  return [...lines, tally].join('\n') + '\n';
}
