/**
 * The three classic handshake stories, told from a finished analysis: a SYN flood, clients
 * hanging in connect() without a timeout, and a connection storm from a client that never
 * reuses connections. Each story says what happened in plain words, with its numbers, its
 * evidence (findings, flows, a small chart) and what to do about it.
 *
 * Pure: reads the result, returns new stories and findings; the engine appends the findings
 * (their ids continue after the engine's) and stores the stories.
 */
import type { AnalysisResult, Finding, FindingCode, Severity, Story } from '../engine/result';
import { connectionStorms } from './connectionStorm';
import { collectConnects } from './connects';
import { createContext } from './context';
import { StoryConfig, storyConfigFrom } from './config';
import { hangingConnects } from './hangingConnects';
import { synFloods } from './synFlood';

export type { StoryConfig } from './config';
export { DEFAULT_STORY_CONFIG, STORY_FLOW_CAP } from './config';

/** Any config that carries the story thresholds (AnalysisConfig does); missing keys get defaults. */
export type StoryConfigInput = Partial<StoryConfig> & {
  severities?: Partial<Record<FindingCode, Severity>>;
  /** As in AnalysisConfig: story findings of one code past this fold into one summary finding. */
  maxFindingsPerCode?: number;
};

export function tellStories(result: AnalysisResult, config?: StoryConfigInput): { stories: Story[]; findings: Finding[] } {
  const max = config?.maxFindingsPerCode;
  const ctx = createContext(result, storyConfigFrom(config), config?.severities ?? {},
    typeof max === 'number' && max >= 0 ? max : undefined);
  const connects = collectConnects(result.flows, ctx.clock, ctx.captureEndNs);
  const flood = synFloods(ctx);
  const stories: Story[] = [
    ...flood.stories,
    ...hangingConnects(ctx, connects, flood.windows),
    ...connectionStorms(ctx, connects),
  ];
  return { stories, findings: ctx.findings };
}
