/** Which of a story's numbers and charts its card leads with (no DOM; unit-tested). */
import type { StoryKind } from '../src/core/engine/result';

/**
 * The numbers a card leads with, by story: what happened, how big, how long, what it cost.
 * The rest stay one click away under "All numbers", with the CLI's labels.
 */
export const KEY_NUMBERS: Record<StoryKind, readonly string[]> = {
  'connection-storm': ['connections', 'peak connections/s (1 s window)', 'requests per connection', 'median handshake RTT (ms)', 'handshake time saved by reuse (s)'],
  'hanging-connects': ['connects', 'clients', 'longest wait (s)', 'longest retry chain (SYNs)', 'peak pending connects'],
  'syn-flood': ['flood SYNs', 'duration (s)', 'distinct sources', 'legitimate handshakes during flood', 'median legitimate RTT during flood (ms)'],
};

/**
 * The one chart a card shows. A flood's SYN rate is already the summary's SYN chart; its card
 * shows what the flood did to legitimate clients instead. Hanging connects' two series (pending,
 * pending longer than the threshold) look alike; the first says it.
 */
export const CARD_CHART: Record<StoryKind, number> = { 'connection-storm': 0, 'hanging-connects': 0, 'syn-flood': 1 };

/** The key numbers of a story: its kind's list where present, else its first numeric ones. */
export function keyNumbers(kind: StoryKind, numbers: Record<string, number | string>): [string, number | string][] {
  const listed = KEY_NUMBERS[kind].filter((k) => k in numbers).map((k): [string, number | string] => [k, numbers[k]!]);
  if (listed.length >= 3) return listed;
  return Object.entries(numbers).filter(([, v]) => typeof v === 'number').slice(0, 5);
}

