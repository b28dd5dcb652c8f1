import { colours, count } from '../../cli/terminal.js';
import type { GateReport } from '../findings.js';

export function renderHuman(report: GateReport, stream: NodeJS.WriteStream): string {
  const paint = colours(stream);
  const lines = report.findings.map((f) => {
    const where = f.line !== undefined ? `${f.file}:${f.line}:${f.column ?? 1}` : f.file;
    const pointer = f.pointer ? ` ${paint('dim', `(at ${f.pointer})`)}` : '';
    return `${paint('bold', where)}: ${paint('red', 'breaking')} ${f.rule}: ${f.message}${pointer}`;
  });
  const against = `against ${report.sources.join(', ')}`;
  const checked = count(report.checked.length, 'event version');
  lines.push(
    report.findings.length === 0
      ? paint('green', `✓ ${checked} checked ${against}: no breaking changes`)
      : `${paint('red', '✖')} ${count(report.findings.length, 'breaking change')} in ${checked} checked ${against}`,
  );
  return lines.join('\n') + '\n';
}
