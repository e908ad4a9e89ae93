// The three classic stories (connection storm, hanging connects, SYN flood): each sample named
// after a story must make the CLI tell it, and the synscope editor must show it as a card that
// leads with 3-5 of the CLI's numbers, each next to its label (the rest sit under "All numbers").
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cliAnalyze } from '../cli.mjs';
import { pending } from '../pending.mjs';
import { shownText } from '../screen.mjs';
import { eventually } from '../workbench.mjs';
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
      // --stories= picks some samples; otherwise every story needs one.
      if (!ctx.storiesPicked) assert.ok(named.length > 0, `no sample named ${kind}*`);
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
      // The editor is Done here, so the card is there or missing: no long wait.
      await card.waitFor({ state: 'attached', timeout: 5_000 });
      await card.scrollIntoViewIfNeeded();
      await eventually(async () => {
        // What is rendered and scrolled into view (null when the card is hidden or clipped).
        const shown = await shownText(card);
        assert.ok(shown, 'the story card is not visible');
        const text = plain(shown);
        assert.ok(text.includes(story.title), `card lacks the title "${story.title}"`);
        // The card leads with 3-5 key numbers; each must read the CLI's value for its label.
        const numbers = await card.locator('[data-testid="story-number"]').evaluateAll((els) =>
          els.map((e) => ({ label: e.getAttribute('data-label'), text: e.innerText })));
        assert.ok(numbers.length >= 3 && numbers.length <= 5, `card leads with ${numbers.length} numbers, not 3-5`);
        for (const { label, text: kv } of numbers) {
          assert.ok(label in story.numbers, `card shows "${label}", which the CLI does not print`);
          const value = story.numbers[label];
          assert.ok(showsNumber(plain(kv), plain(label), value), `card does not show ${label} = ${value}; it reads:\n${kv}`);
        }
      }, 5_000);
    });
    if (pending('problems-order')) {
      await steps.run(`${name}: Problems lists the ${kind} story's findings first`, page, () => storyFindingsFirst(page, join(ws, name), kind));
    }
  }
}

/**
 * "Problems lists story findings first": the first entries under the capture in the Problems
 * panel are the story's own findings (by message, in any order among themselves).
 */
async function storyFindingsFirst(page, file, kind) {
  const result = cliAnalyze(file);
  const story = result.stories.find((s) => s.kind === kind);
  const byId = new Map(result.findings.map((f) => [f.id, f]));
  const want = new Set(story.findings.map((id) => byId.get(id).message.replace(/[\r\n\t]+/g, ' ')));
  assert.ok(want.size > 0, `the CLI's ${kind} story lists no findings`);
  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator('.markers-panel .monaco-list-row[aria-level="2"]');
  await rows.first().waitFor({ timeout: 30_000 });
  await eventually(async () => {
    const texts = await rows.evaluateAll((els) => els
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((e) => e.querySelector('.marker-message')?.textContent ?? ''));
    const first = texts.slice(0, want.size);
    assert.ok(first.length > 0, 'no Problems entries on screen');
    for (const t of first) assert.ok(want.has(t), `Problems starts with ${JSON.stringify(texts.slice(0, 3))}, not the story's findings (${JSON.stringify([...want].slice(0, 2))}…)`);
  });
}
