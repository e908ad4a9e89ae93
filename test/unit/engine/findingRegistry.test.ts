import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_RULES, findingDocUrl, type FindingRule } from '../../../src/core/engine/findings/registry';
import { FINDING_WORDS } from '../../../src/protocol/stateWords';

// Tests run compiled one directory deeper (see cli.test.ts).
const root = join(__dirname, '..', '..', '..', '..');

test('the registry has exactly the finding codes of the JSON schema, one entry each', () => {
  const schema = JSON.parse(readFileSync(join(root, 'docs', 'synscope.schema.json'), 'utf8'));
  const codes = FINDING_RULES.map((r) => r.code);
  assert.equal(new Set(codes).size, codes.length, 'one entry per code');
  assert.deepEqual([...codes].sort(), [...schema.$defs.findingCode.enum].sort());
});

test('every finding code in the registry has its own section in docs/findings.md, where its link points', () => {
  const headings = new Set(readFileSync(join(root, 'docs', 'findings.md'), 'utf8').split('\n')
    .filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim()));
  for (const r of FINDING_RULES) {
    assert.ok(headings.has(r.code), `docs/findings.md has no "## ${r.code}"`);
    assert.equal(r.doc, findingDocUrl(r.code));
    assert.ok(r.doc.endsWith(`docs/findings.md#${r.code}`));
  }
});

/** What a complete entry holds; each missing part is named. */
function missingParts(r: FindingRule): string[] {
  const missing: string[] = [];
  if (!['error', 'warning', 'info'].includes(r.severity)) missing.push('severity');
  if (!r.title?.trim()) missing.push('title');
  if (!r.when?.trim()) missing.push('when');
  if (!r.doc?.trim()) missing.push('doc');
  if (typeof r.floodAbsorbs !== 'boolean') missing.push('floodAbsorbs');
  if (typeof r.explainsMany !== 'boolean') missing.push('explainsMany');
  if (!r.perFlow && !r.atEnd && !r.inStories) missing.push('a rule (perFlow, atEnd or inStories)');
  if (r.perFlow && typeof r.perFlow.applies !== 'function') missing.push('perFlow.applies');
  if (r.perFlow && typeof r.perFlow.point !== 'function') missing.push('perFlow.point');
  if (r.perFlow && typeof r.perFlow.describe !== 'function') missing.push('perFlow.describe');
  for (const [name, part] of [['atEnd', r.atEnd], ['inStories', r.inStories]] as const) {
    if (part && typeof part.decide !== 'function') missing.push(`${name}.decide`);
    if (part && typeof part.describe !== 'function') missing.push(`${name}.describe`);
  }
  if (!(r.code in FINDING_WORDS)) missing.push('short words (src/protocol/stateWords.ts)');
  return missing;
}

test('every registry entry holds its severity, title, documentation and a rule that decides and describes it', () => {
  for (const r of FINDING_RULES) assert.deepEqual(missingParts(r), [], r.code);
});

test('an entry missing a part is caught: no describe, no rule, no title', () => {
  const good = FINDING_RULES.find((r) => r.code === 'refused')!;
  assert.deepEqual(missingParts({ ...good, perFlow: { applies: good.perFlow!.applies, point: good.perFlow!.point } as FindingRule['perFlow'] }), ['perFlow.describe']);
  assert.deepEqual(missingParts({ ...good, perFlow: { applies: good.perFlow!.applies, describe: good.perFlow!.describe } as FindingRule['perFlow'] }), ['perFlow.point']);
  assert.deepEqual(missingParts({ ...good, perFlow: undefined }), ['a rule (perFlow, atEnd or inStories)']);
  assert.deepEqual(missingParts({ ...good, title: '' }), ['title']);
  const story = FINDING_RULES.find((r) => r.code === 'slow-connect')!;
  assert.deepEqual(missingParts({ ...story, inStories: { decide: story.inStories!.decide } as FindingRule['inStories'] }), ['inStories.describe']);
});

test('only the codes a flood counts are absorbed by it, and the codes about many flows are the stories and the capture-wide ones', () => {
  assert.deepEqual(FINDING_RULES.filter((r) => r.floodAbsorbs).map((r) => r.code).sort(),
    ['half-open', 'incomplete-at-end', 'reset-during-handshake', 'syn-retransmission', 'synack-retransmission', 'unanswered-syn']);
  assert.deepEqual(FINDING_RULES.filter((r) => r.explainsMany).map((r) => r.code).sort(),
    ['capture-damaged', 'capture-limits', 'connect-pileup', 'connection-churn', 'server-limit', 'slow-connect', 'syn-flood']);
});
