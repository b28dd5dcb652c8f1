import type { GateReport } from '../findings.js';

export function renderJson(report: GateReport): string {
  return JSON.stringify({ ok: report.findings.length === 0, sources: report.sources, checked: report.checked.length, findings: report.findings }, null, 2) + '\n';
}
