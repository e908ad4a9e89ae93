/**
 * One card per kind. The user sees one card per story; forty "hanging connects" cards bury the
 * one that matters. Stories of a kind fold into the biggest one (the headline, told in full)
 * which then names the others, one row per client → target pair, while the findings in the
 * Problems panel stay one per pair.
 */
import type { Story } from '../engine/result';
import { capFlows } from './context';

/** One client → target pair (or flooded target) of a story, for the grouped card's rows. */
export interface PairRow { pair: string; text: string }

/**
 * A story before grouping, with its rows (the headline's own rows are not repeated) and how many
 * client → target pairs it covers when a row stands for several (a target with many clients).
 */
export interface Told { story: Story; rows: PairRow[]; pairs?: number }

/** Rows listed by name in the grouped card's numbers; the rest are counted (and in the findings). */
const MAX_ROWS = 10;
/** Rows named in the sentence itself. */
const SENTENCE_ROWS = 3;

/**
 * Folds stories of one kind, sorted worst first, into one. `noun` names a row in the plural
 * ("client → target pairs", "flooded targets").
 */
export function groupStories(told: readonly Told[], noun: [string, string]): Story[] {
  if (told.length <= 1) return told.map((t) => t.story);
  const head = told[0].story;
  const others = told.slice(1).flatMap((t) => t.rows);
  const n = told.slice(1).reduce((sum, t) => sum + (t.pairs ?? t.rows.length), 0);
  const rowsMore = others.length;
  const more = `${n} more ${n === 1 ? noun[0] : noun[1]}`;
  const named = others.slice(0, rowsMore <= SENTENCE_ROWS + 1 ? rowsMore : SENTENCE_ROWS).map((r) => `${r.pair} (${r.text})`).join('; ');
  // Naming all but one and then "1 more" helps nobody: name it too.
  const rest = rowsMore <= SENTENCE_ROWS + 1 ? 0 : rowsMore - SENTENCE_ROWS;
  const numbers: Record<string, number | string> = { ...head.numbers, [`more ${noun[1]}`]: n };
  for (const r of others.slice(0, MAX_ROWS)) numbers[r.pair] = r.text;
  if (rowsMore > MAX_ROWS) numbers['not listed here (see the findings)'] = rowsMore - MAX_ROWS;
  const flows: number[] = [];
  const findings = new Set<number>();
  let flowCount = 0;
  for (const t of told) {
    for (const id of t.story.findings) findings.add(id);
    flows.push(...t.story.flows);
    flowCount += t.story.flowCount;
  }
  return [{
    ...head,
    title: `${head.title}, and ${more}`,
    sentence: `${head.sentence} The same on ${more}`
      + `${rest > 0 ? `, the biggest: ${named}; ${rest} more in the findings.` : `: ${named}.`}`,
    numbers,
    findings: [...findings],
    flows: capFlows(flows),
    flowCount,
  }];
}
