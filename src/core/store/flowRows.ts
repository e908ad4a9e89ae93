import type { FlowFacts } from '../engine/buildFlow';
import type { FlowState } from '../engine/flowState';
import type { Flow } from '../engine/result';
import type { StoryFlow } from '../stories/storyFlow';

/** What the analyzer and the views need of a store of finished flows (FlowStore, WindowedStore). */
export interface FlowRows {
  readonly size: number;
  add(f: FlowState, facts?: FlowFacts): void;
  flow(id: number, findings?: number[]): Flow | undefined;
  glance(id: number): StoryFlow | undefined;
  bytes(): number;
}
