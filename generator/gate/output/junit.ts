import type { GateReport } from '../findings.js';

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 cannot carry most control characters even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/**
 * JUnit XML for CI test reports: one test case per checked event version (plus one per domain
 * or deleted version that has findings), failing with one <failure> per breaking change.
 */
export function renderJunit(report: GateReport): string {
  const cases = new Map<string, { file: string; failures: string[] }>();
  for (const { label, file } of report.checked) cases.set(label, { file, failures: [] });
  for (const finding of report.findings) {
    const entry = cases.get(finding.subject) ?? { file: finding.file, failures: [] };
    const where = finding.line !== undefined ? `${finding.file}:${finding.line}:${finding.column ?? 1}` : finding.file;
    entry.failures.push(`      <failure message="${xml(finding.message)}" type="${xml(finding.rule)}">${xml(`${where} ${finding.pointer}`.trim())}</failure>`);
    cases.set(finding.subject, entry);
  }
  const failures = [...cases.values()].filter((c) => c.failures.length > 0).length;
  const body = [...cases.entries()].map(([name, { file, failures: list }]) =>
    list.length === 0
      ? `    <testcase classname="herald.check" name="${xml(name)}" file="${xml(file)}"/>`
      : `    <testcase classname="herald.check" name="${xml(name)}" file="${xml(file)}">\n${list.join('\n')}\n    </testcase>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="herald check" tests="${cases.size}" failures="${failures}">`,
    `  <testsuite name="herald check" tests="${cases.size}" failures="${failures}" errors="0">`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
