import { colours } from '../../cli/terminal.js';
import type { GateReport } from '../findings.js';

export function renderHuman(report: GateReport, stream: NodeJS.WriteStream): string {
  const paint = colours(stream);
  const lines = report.findings.map((f) => {
    const where = f.line !== undefined ? `${f.file}:${f.line}:${f.column ?? 1}` : f.file;
    const pointer = f.pointer ? ` ${paint('dim', `(at ${f.pointer})`)}` : '';
    return `${paint('bold', where)}: ${paint('red', 'breaking')} ${f.rule}: ${f.message}${pointer}`;
  });
  const against = `against ${report.sources.join(', ')}`;
  const count = `${report.checked.length} event version${report.checked.length === 1 ? '' : 's'}`;
  lines.push(
    report.findings.length === 0
      ? paint('green', `✓ ${count} checked ${against}: no breaking changes`)
      : `${paint('red', '✖')} ${report.findings.length} breaking change${report.findings.length === 1 ? '' : 's'} in ${count} checked ${against}`,
  );
  return lines.join('\n') + '\n';
}
