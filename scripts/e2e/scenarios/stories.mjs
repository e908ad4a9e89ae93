// The three classic stories (connection storm, hanging connects, SYN flood): each sample named
// after a story must make the CLI tell it, and the synscope editor must show it as a card that
// leads with 3-5 of the CLI's numbers, each next to its label (the rest sit under "All numbers").
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cliAnalyze } from '../cli.mjs';
import { openCapture } from './capture.mjs';

const KINDS = ['connection-storm', 'hanging-connects', 'syn-flood'];

/** Text with digit-group separators removed, so "1,234" and "1 234" both read "1234". */
function plain(text) {
  return text.replace(/(\d)[,\u202f\u00a0 ](?=\d{3}\b)/g, '$1');
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when the card shows `value` right before or right after `label`. */
export function showsNumber(text, label, value) {
  const v = esc(plain(String(value)));
  const l = esc(label);
  return new RegExp(`(^|[^\\d.])${v}\\s*${l}|${l}\\s*[:=]?\\s*${v}($|[^\\d.])`).test(text);
}

export async function storiesScenario(ctx) {
  const { page, steps, ws, samples } = ctx;
  const cases = [];
  await steps.run('each story sample makes the CLI tell its story', null, async () => {
    for (const kind of KINDS) {
      const named = samples.filter((s) => s.name.startsWith(kind));
      assert.ok(named.length > 0, `no sample named ${kind}*`);
      for (const s of named) {
        const story = (cliAnalyze(join(ws, s.name)).stories ?? []).find((st) => st.kind === kind);
        assert.ok(story, `the CLI tells no ${kind} story about ${s.name}`);
        cases.push({ name: s.name, kind });
      }
    }
  });
  for (const { name, kind } of cases) {
    await steps.run(`${name}: ${kind} story card leads with 3-5 of the CLI's numbers`, page, async () => {
      const story = cliAnalyze(join(ws, name)).stories.find((s) => s.kind === kind);
      const w = await openCapture(page, name);
      const card = w.locator(`[data-testid="story-card"][data-story="${kind}"]`).first();
      await card.waitFor({ timeout: 30_000 });
      await card.scrollIntoViewIfNeeded();
      const text = plain(await card.innerText());
      assert.ok(text.includes(story.title), `card lacks the title "${story.title}"`);
      const shown = await card.locator('[data-testid="story-number"]').evaluateAll((els) =>
        els.map((e) => ({ label: e.getAttribute('data-label'), text: e.innerText })));
      assert.ok(shown.length >= 3 && shown.length <= 5, `card leads with ${shown.length} numbers, not 3-5`);
      for (const { label, text: kv } of shown) {
        assert.ok(label in story.numbers, `card shows "${label}", which the CLI does not print`);
        const value = story.numbers[label];
        assert.ok(showsNumber(plain(kv), plain(label), value), `card does not show ${label} = ${value}; it reads:\n${kv}`);
      }
    });
  }
}
