// synscope.* settings as the engine sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSettings } from '../../../src/extension/settings';

const from = (values: Record<string, unknown>) => readSettings((k) => values[k]);

test('numeric settings map to engine config keys; bad values are ignored', () => {
  const s = from({ slowRttMs: 500, 'flood.minHalfOpen': 50, 'flood.minSources': -1, 'flood.minSynRate': 'fast', maxFlows: 5 });
  assert.deepEqual(s.analysis, { slowRttMs: 500, floodMinHalfOpen: 50, maxFlows: 5, severities: {} });
});

test('severity overrides keep only valid severities', () => {
  const s = from({ severityOverrides: { 'port-reuse': 'warning', 'half-open': 'fatal', refused: 'info' } });
  assert.deepEqual(s.analysis.severities, { 'port-reuse': 'warning', refused: 'info' });
});

test('defaults: 1000 diagnostics, relative times', () => {
  const s = from({});
  assert.equal(s.maxDiagnostics, 1000);
  assert.equal(s.timeDisplay, 'relative');
  assert.equal(from({ maxDiagnostics: 12.7, timeDisplay: 'delta' }).maxDiagnostics, 12);
  assert.equal(from({ timeDisplay: 'sideways' }).timeDisplay, 'relative');
});

test('the Settings UI offers a severity override for every finding code the engine makes', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { DEFAULT_SEVERITIES } = await import('../../../src/core/engine/config');
  // Tests run compiled one directory deeper (see cli.test.ts).
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
  const config: { properties: Record<string, { properties?: object }> }[] = [pkg.contributes.configuration].flat();
  const schema = config.map((c) => c.properties['synscope.severityOverrides']).find(Boolean);
  // "additionalProperties": false there: a code missing from it is flagged as invalid when set.
  assert.deepEqual(Object.keys(schema?.properties ?? {}).sort(), Object.keys(DEFAULT_SEVERITIES).sort());
});
