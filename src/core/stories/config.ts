/**
 * Thresholds for the three handshake stories. They belong in the engine's AnalysisConfig (the
 * stories worker adds these keys there); until then they live here, and `tellStories` accepts
 * any config object that carries them, falling back to these defaults for missing keys.
 * docs/stories.md explains each default.
 */
export interface StoryConfig {
  /**
   * Connection storm: least number of established connections from one client to one
   * server ip:port before we call it churn. Twenty is more than any sane pool opens at once.
   */
  stormMinConnections: number;
  /**
   * Connection storm: least peak of new connections per second (busiest 1 s window) between
   * the pair. Below 5/s the handshakes cost too little to be worth a warning.
   */
  stormMinPerSecond: number;
  /**
   * Connection storm: most requests (flow.exchanges) the median connection may carry. A client
   * that reuses connections sends many requests on each; one that churns sends one or two.
   */
  stormMaxRequestsPerConnection: number;
  /**
   * Hanging connects: a connect that waited longer than this (ms) for its SYN-ACK, or is still
   * waiting, is slow. 3 s: the first SYN retransmission (Linux, 1 s RTO) and the second (3 s)
   * are normal loss recovery; waiting past them means the client has no connect timeout.
   */
  slowConnectMs: number;
  /**
   * Hanging connects: least number of connects toward one target that were pending at the
   * same moment, each already longer than `slowConnectMs`, to report a pile-up.
   */
  pileupMinPending: number;
  /**
   * Hanging connects: connects that were answered, only late (after SYN retransmissions), tell
   * a story only when there are at least this many toward one target… One or two late answers
   * among many connects are ordinary packet loss: a lost SYN answered after the retry.
   */
  lateAnswerMinConnects: number;
  /** …and they are at least this share (0–1) of the target's connects (or they pile up). */
  lateAnswerMinShare: number;
}

export const DEFAULT_STORY_CONFIG: StoryConfig = {
  stormMinConnections: 20,
  stormMinPerSecond: 5,
  stormMaxRequestsPerConnection: 2,
  slowConnectMs: 3000,
  pileupMinPending: 10,
  lateAnswerMinConnects: 3,
  lateAnswerMinShare: 0.25,
};

/** Most flow ids a story or one of its findings lists; `flowCount` stays exact. */
export const STORY_FLOW_CAP = 10_000;

/** Story thresholds from any config (AnalysisConfig included), defaults for missing or bad keys. */
export function storyConfigFrom(config: Partial<StoryConfig> | undefined): StoryConfig {
  const out: StoryConfig = { ...DEFAULT_STORY_CONFIG };
  if (!config) return out;
  for (const key of Object.keys(DEFAULT_STORY_CONFIG) as (keyof StoryConfig)[]) {
    const v = config[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[key] = v;
  }
  return out;
}
