/** Per-flow findings about how the handshake was made: both sides opening, a reused 4-tuple, the options. */
import { ep } from '../describe';
import type { TcpOptionsSeen } from '../result';
import { pointOf, type PerFlowRule } from './rule';

export const simultaneousOpen: PerFlowRule = {
  applies: (f) => f.simultaneousOpen,
  point: (flow) => ({ packet: flow.firstPacket, time: flow.start }),
  describe: (flow) => ({
    message: `Simultaneous open: ${ep(flow.client)} and ${ep(flow.server)} both sent a SYN`,
    details: { complete: flow.handshake.complete },
  }),
};

export const portReuse: PerFlowRule = {
  applies: (f) => f.portReuse,
  point: (flow) => pointOf(flow, 'syn'),
  describe: (flow) => ({
    message: `${ep(flow.client)} → ${ep(flow.server)} reuses a 4-tuple already used earlier in the capture (new ISN)`,
    details: {},
  }),
};

type OptionCheck = readonly [(c: TcpOptionsSeen, s: TcpOptionsSeen) => boolean, (c: TcpOptionsSeen, s: TcpOptionsSeen) => string];

/**
 * Options a SYN-ACK may only echo if the SYN offered them (RFC 7323, 2018, 7413), and sane
 * values: each check with its sentence.
 */
const OPTION_CHECKS: readonly OptionCheck[] = [
  [(c, s) => s.windowScale !== null && c.windowScale === null, () => 'window scaling accepted but never offered'],
  [(c, s) => s.sackPermitted && !c.sackPermitted, () => 'SACK accepted but never offered'],
  [(c, s) => s.timestamps && !c.timestamps, () => 'timestamps accepted but never offered'],
  [(c, s) => s.fastOpen === 'cookie' && c.fastOpen === null, () => 'Fast Open cookie sent without a request'],
  [(c) => c.windowScale !== null && c.windowScale > 14, (c) => `client window scale ${c.windowScale} exceeds the maximum of 14`],
  [(_, s) => s.windowScale !== null && s.windowScale > 14, (_, s) => `server window scale ${s.windowScale} exceeds the maximum of 14`],
];

/** An index loop: `some` with a destructuring callback made a closure per flow (~20 MB on the 1 GiB bench mix). */
function anyCheckFails(c: TcpOptionsSeen, s: TcpOptionsSeen): boolean {
  for (let i = 0; i < OPTION_CHECKS.length; i++) if (OPTION_CHECKS[i][0](c, s)) return true;
  return false;
}

export const optionsMismatch: PerFlowRule = {
  // Runs for every flow: no sentences built.
  applies: (f) => f.syn > 0 && f.synAck > 0 && anyCheckFails(f.clientOptions, f.serverOptions),
  // The built flow's options decide again: the finding is told only if they show a problem.
  point: (flow) => (anyCheckFails(flow.options.client, flow.options.server) ? pointOf(flow, 'synAck') : null),
  describe(flow) {
    const { client, server } = flow.options;
    const problems = OPTION_CHECKS.filter(([fails]) => fails(client, server)).map(([, sentence]) => sentence(client, server));
    return {
      message: `${ep(flow.server)}'s SYN-ACK to ${ep(flow.client)}: ${problems.join('; ')}`,
      details: { problems, client, server },
    };
  },
};
