import type { GateReport } from '../findings.js';
import { renderGithub } from './github.js';
import { renderHuman } from './human.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';

export const GATE_FORMATS = ['human', 'json', 'junit', 'github'] as const;
export type GateFormat = (typeof GATE_FORMATS)[number];

export function renderGateReport(report: GateReport, format: GateFormat, stream: NodeJS.WriteStream): string {
  switch (format) {
    case 'human':
      return renderHuman(report, stream);
    case 'json':
      return renderJson(report);
    case 'junit':
      return renderJunit(report);
    case 'github':
      return renderGithub(report);
  }
}
