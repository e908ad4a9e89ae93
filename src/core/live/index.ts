/** Following a growing or rotating capture (see /docs/follow.md). */
export { followCapture, type Follower, type FollowOptions, type FollowDone } from './follow';
export type { FollowEvent, LiveFinding, LiveStatus, SourceChange } from './events';
export { LiveTracker } from './tracker';
