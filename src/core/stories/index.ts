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
import { DEFAULT_SEVERITIES } from '../engine/findings/registry';
import { connectionStorms } from './connectionStorm';
import { collectConnects } from './connects';
import { createContext } from './context';
import { listedFlows, type FlowFilter, type FlowSource } from './storyFlow';

export type { FlowSource, StoryFlow } from './storyFlow';
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

/**
 * `flows`: every flow of the capture (the engine's store); without it, the result's flows. When
 * those are fewer than the capture has, the connect stories say so, rather than let a partial
 * count pass for the whole.
 */
export function tellStories(result: AnalysisResult, config?: StoryConfigInput, flows?: FlowSource): { stories: Story[]; findings: Finding[] } {
  const max = config?.maxFindingsPerCode;
  const source = flows ?? listedFlows(result.flows);
  const ctx = createContext(result, source, storyConfigFrom(config), { ...DEFAULT_SEVERITIES, ...config?.severities },
    typeof max === 'number' && max >= 0 ? max : undefined);
  const flood = synFloods(ctx);
  // Connects inside a flood window (the flood's own) are the flood's story, unless they completed
  // (a connection storm counts completed handshakes only).
  const windows = flood.windows;
  const servers = windows.map((w) => source.keyOf(w.server));
  const keep: FlowFilter | undefined = windows.length === 0 ? undefined : (f) => {
    if (f.complete) return true;
    const server = f.serverKey;
    const port = f.serverPort;
    // Asked of every flow: a loop, not a filtered copy of the windows.
    let t = NaN;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i];
      if (servers[i] !== server || (w.port !== null && w.port !== port)) continue;
      if (t !== t) t = f.connectNs(ctx.clock);
      if (t >= w.startNs && t <= w.endNs) return false;
    }
    return true;
  };
  const connects = collectConnects(source, ctx.clock, ctx.captureEndNs, keep);
  const connectStories = [...hangingConnects(ctx, connects, flood.windows), ...connectionStorms(ctx, connects)];
  const total = result.summary.flows;
  const note = source.toldFrom ?? (total > source.size
    ? `the first ${source.size.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} flows (raise --max-flows / synscope.maxFlows to include all)`
    : undefined);
  if (note !== undefined) for (const st of connectStories) st.numbers['told from'] = note;
  return { stories: [...flood.stories, ...connectStories], findings: ctx.findings };
}
