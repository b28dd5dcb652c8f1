import type { GateReport } from '../findings.js';

/** Workflow-command escaping: message data and property values escape differently. */
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions annotations: each breaking change shows on the file and line in the pull request. */
export function renderGithub(report: GateReport): string {
  const lines = report.findings.map((f) => {
    const props = [`file=${property(f.file)}`];
    if (f.line !== undefined) props.push(`line=${f.line}`, `col=${f.column ?? 1}`);
    props.push(`title=${property(`herald ${f.rule}`)}`);
    return `::error ${props.join(',')}::${data(f.message)}`;
  });
  lines.push(
    report.findings.length === 0
      ? `herald check: ${report.checked.length} event versions, no breaking changes`
      : `herald check: ${report.findings.length} breaking change(s)`,
  );
  return lines.join('\n') + '\n';
}
