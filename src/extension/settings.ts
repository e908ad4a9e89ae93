/**
 * synscope.* settings → engine config. Pure (takes a getter) so it is unit-tested without
 * vscode; extension.ts passes `workspace.getConfiguration('synscope').get`.
 */
import type { FindingCode, Severity } from '../core/engine/result';
import type { TimeDisplay } from '../protocol/messages';

export interface ExtensionSettings {
  /** Partial<AnalysisConfig> for the worker. */
  analysis: Record<string, unknown>;
  maxDiagnostics: number;
  timeDisplay: TimeDisplay;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
const TIME_DISPLAYS: readonly TimeDisplay[] = ['absolute', 'relative', 'delta', 'timeOfDay'];

/** Setting key (under synscope.) → AnalysisConfig key. */
export const NUMERIC_SETTINGS: Readonly<Record<string, string>> = {
  slowRttMs: 'slowRttMs',
  'flood.minHalfOpen': 'floodMinHalfOpen',
  'flood.minSources': 'floodMinSources',
  'flood.minSynRate': 'floodMinSynRate',
  maxFlows: 'maxFlows',
};

export function readSettings(get: (key: string) => unknown): ExtensionSettings {
  const analysis: Record<string, unknown> = {};
  for (const [setting, key] of Object.entries(NUMERIC_SETTINGS)) {
    const v = get(setting);
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) analysis[key] = v;
  }
  const overrides = get('severityOverrides');
  const severities: Partial<Record<FindingCode, Severity>> = {};
  if (overrides && typeof overrides === 'object') {
    for (const [code, sev] of Object.entries(overrides as Record<string, unknown>)) {
      if (SEVERITIES.includes(sev as Severity)) severities[code as FindingCode] = sev as Severity;
    }
  }
  analysis.severities = severities;
  const md = get('maxDiagnostics');
  const td = get('timeDisplay');
  return {
    analysis,
    maxDiagnostics: typeof md === 'number' && Number.isFinite(md) && md >= 0 ? Math.floor(md) : 1000,
    timeDisplay: TIME_DISPLAYS.includes(td as TimeDisplay) ? (td as TimeDisplay) : 'relative',
  };
}
