import type { Story } from '../engine/result';
import type { StoryContext } from './context';
import type { FloodWindow } from './hangingConnects';

export function synFloods(ctx: StoryContext): { stories: Story[]; windows: FloodWindow[] } {
  void ctx;
  return { stories: [], windows: [] };
}
