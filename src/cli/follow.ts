/**
 * `synscope follow <file|folder>`: the findings and stories of a capture another process is
 * writing, printed as they happen (a table, or one JSON object per line: docs/follow-ndjson.md),
 * a summary line every few seconds, and on Ctrl+C / SIGTERM the final report — the same as
 * `synscope analyze` of the file as it then stands. `--fail-on` ends at the first settled
 * finding at that severity, with exit code 1 (after the final report).
 */
import { CaptureFormatError } from '../core/capture/types';
import type { FollowEvent, LiveFinding, LiveStatus } from '../core/live/events';
import { followCapture } from '../core/live/follow';
import { formatTable } from '../core/output/table';
import { printable } from '../core/output/printable';
import type { AnalysisResult, Severity } from '../core/engine/result';
import { plainError, type Options } from './args';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Two signals this close together are one keypress delivered twice (see onSignal). */
const SAME_KEYPRESS_MS = 500;

export const FOLLOW_SCHEMA = 'synscope-follow/1';

/** Wall-clock time of day for the table (UTC, like the capture times the editor shows). */
function clock(): string {
  return new Date().toISOString().slice(11, 23);
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

function statusLine(s: LiveStatus): string {
  const sum = s.summary;
  const findings = Object.values(sum.findings).reduce((a, b) => a + (b ?? 0), 0);
  return `${clock()}  ··· ${n(s.packets)} packets, ${n(sum.flows)} flows (${n(s.activeFlows)} live), ${n(sum.handshakesComplete)} handshakes, ` +
    `${n(sum.refused)} refused, ${n(sum.halfOpen)} half-open, ${n(findings)} findings; ${n(s.packetsPerSecond)} packets/s, ` +
    `${s.caughtUp ? 'caught up' : `${n(s.lagBytes)} bytes behind`}${s.paused ? ', paused' : ''}`;
}

function findingLine(change: string, f: LiveFinding): string {
  const note = f.provisional ? `  (provisional${f.settlesAt ? `, settles at ${f.settlesAt}` : ''})` : '';
  return `${clock()}  ${change.padEnd(9)} ${f.severity.padEnd(7)} ${f.code.padEnd(22)} ${printable(f.message)}${note}`;
}

function tableLine(e: FollowEvent): string | null {
  switch (e.type) {
    case 'finding': return findingLine(e.change, e.finding);
    case 'story': return `${clock()}  ${(e.change === 'new' ? 'story' : 'story upd').padEnd(9)} ${printable(e.story.title)}: ${printable(e.story.sentence)}`;
    case 'summary': return statusLine(e.status);
    case 'source': return `${clock()}  ${e.change.padEnd(9)} ${printable(e.path)}: ${e.message}`;
    case 'problem': return `${clock()}  damaged   at byte ${e.problem.offset}: ${printable(e.problem.message)}`;
    default: return null;
  }
}

/** The end line of the NDJSON stream: what `analyze --format json` says, less the flows and timeline. */
function endObject(r: AnalysisResult, reason: string): object {
  return { schema: FOLLOW_SCHEMA, type: 'end', wall: new Date().toISOString(), reason, capture: r.capture, summary: r.summary, findings: r.findings, stories: r.stories };
}

function ndjsonLine(e: FollowEvent): string {
  if (e.type === 'end') return JSON.stringify(endObject(e.result, e.reason));
  return JSON.stringify({ schema: FOLLOW_SCHEMA, wall: new Date().toISOString(), ...e });
}

export async function follow(o: Options): Promise<number> {
  const ndjson = o.format === 'ndjson';
  const out = (line: string): void => { process.stdout.write(`${line}\n`); };
  const threshold = o.failOn ? RANK[o.failOn] : Infinity;
  let failed = false;
  const ac = new AbortController();
  const onEvent = (e: FollowEvent): void => {
    if (ndjson) out(ndjsonLine(e));
    else if (e.type !== 'end' && e.type !== 'flows') {
      const line = tableLine(e);
      if (line) out(line);
    }
    if (e.type === 'finding' && e.change !== 'withdrawn' && !e.finding.provisional && RANK[e.finding.severity] >= threshold && !failed) {
      failed = true;
      ac.abort();
    }
  };
  const f = followCapture(o.capture, { config: o.config, onEvent, signal: ac.signal });
  let firstSignal = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    // The first signal finishes the report; a second one ends at once. Ctrl+C reaches this
    // process twice when the CLI runs it as its heap-capped child (relaunch.ts): from the
    // terminal, to the whole process group, and passed on by the launcher. That is one.
    const now = Date.now();
    if (firstSignal > 0 && now - firstSignal > SAME_KEYPRESS_MS) process.exit(sig === 'SIGINT' ? 130 : 143);
    if (firstSignal === 0) firstSignal = now;
    f.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { result } = await f.done;
    if (!ndjson) {
      const width = process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 100;
      out('');
      process.stdout.write(formatTable(result, { maxFlows: o.maxFlows, width }));
    }
    if (failed) return 1;
    return 0;
  } catch (e) {
    const where = e instanceof CaptureFormatError ? ` (byte ${e.offset})` : '';
    const msg = e instanceof CaptureFormatError ? printable(e.message) : plainError(e);
    process.stderr.write(`synscope: cannot follow ${printable(o.capture)}${where}: ${msg}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
