// The three classic stories (connection storm, hanging connects, SYN flood): each story the
// CLI tells about a sample must show as a card with the same key numbers, and the bundled
// samples must between them tell all three.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cliAnalyze } from '../cli.mjs';
import { openCapture } from './capture.mjs';

const KINDS = ['connection-storm', 'hanging-connects', 'syn-flood'];

/** Text with digit-group separators removed, so "1,234" and "1 234" both contain "1234". */
function plain(text) {
  return text.replace(/(\d)[,\u202f\u00a0 ](?=\d{3}\b)/g, '$1');
}

export async function storiesScenario(ctx) {
  const { page, steps, ws, samples } = ctx;
  const told = new Map();
  await steps.run('the samples tell all three stories (CLI)', null, async () => {
    for (const s of samples) {
      for (const st of cliAnalyze(join(ws, s.name)).stories ?? []) if (!told.has(st.kind)) told.set(st.kind, s.name);
    }
    for (const k of KINDS) assert.ok(told.has(k), `no sample makes the CLI tell a ${k} story`);
  });
  for (const [kind, name] of told) {
    const story = cliAnalyze(join(ws, name)).stories.find((s) => s.kind === kind);
    await steps.run(`${name}: ${kind} story card shows the CLI's numbers`, page, async () => {
      const w = await openCapture(page, name);
      const card = w.locator(`[data-testid="story-card"][data-story="${kind}"]`).first();
      await card.waitFor({ timeout: 30_000 });
      await card.scrollIntoViewIfNeeded();
      const text = plain(await card.innerText());
      assert.ok(text.includes(story.title) || text.includes(story.title.split(':')[0]), `card lacks the title "${story.title}"`);
      for (const [label, value] of Object.entries(story.numbers)) {
        assert.ok(text.includes(plain(String(value))), `card lacks ${label} = ${value}; it reads:\n${text}`);
      }
    });
  }
}
