/**
 * Runs the per-packet step (updateFlow, synSegment, Zeek's state machine and conn_state) over
 * a few scripted connections on scratch state when the engine loads, so that V8 has type
 * feedback for their rare paths before it compiles them: a retransmitted or copied SYN and
 * SYN-ACK, a second ISN, a SYN-ACK first, a simultaneous open, a mid-stream start, FIN, RST and
 * their odd mixes, a zero window, VLAN tags, a second interface, a packet comment.
 *
 * Code compiled before such a path first runs has no feedback there, and the first packet that
 * takes it throws the compiled code away (with everything inlined into it) to be compiled
 * again: on the bench mix each function of the step was compiled two to five times. Nothing
 * of the scratch state is shared with an analysis (its own slab, Zeek machine, event log and
 * option sets), so results are unchanged.
 *
 * Once per process, before its first analysis's first packet (Analyzer.stamp), not when the
 * module loads: a CLI that only launches itself again would pay for it (~7 ms, most of it
 * compiling the step to bytecode), and code compiled during priming was thrown away by the
 * initialisation of modules loaded after it.
 */
import { newTcpSegment, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types';
import { EventLog } from './eventLog';
import { FLOW_STRIDE, FlowState, type PacketTime } from './flowState';
import { OptionSets } from './optionSets';
import { Slab } from './slab';
import { updateFlow } from './updateFlow';
import { ZeekConn } from './zeek';

const SA = TCP_SYN | TCP_ACK;
const PA = TCP_PSH | TCP_ACK;
const FA = TCP_FIN | TCP_ACK;
const RA = TCP_RST | TCP_ACK;

/**
 * One packet of a script: side, flags, seq and ack relative to the flow's ISNs (side 0's, side
 * 1's), payload bytes, window, milliseconds since the last packet, and extras (VLAN, interface,
 * comment). Sequence numbers are above 2^31, as half of all real ones are.
 */
type Step = readonly [side: number, flags: number, seq: number, ack: number, len: number, window: number, ms: number, extra?: 'vlan' | 'iface' | 'comment'];

/** seq and ack below are offsets from these: side 0's ISN, its second ISN, side 1's ISN and its second. */
const I0 = 3_000_000_000;
const I0B = 3_100_000_000;
const I1 = 4_000_000_000;
const I1B = 4_100_000_000;

const SCRIPTS: readonly (readonly Step[])[] = [
  // Retransmitted and copied SYN and SYN-ACK, a second ISN each way, then data both ways, a
  // zero window, a data retransmission, FINs and RSTs.
  [
    [0, TCP_SYN, I0, 0, 0, 64240, 0], [0, TCP_SYN, I0, 0, 0, 64240, 1000.25], [0, TCP_SYN, I0, 0, 0, 64240, 0.05],
    [0, TCP_SYN, I0B, 0, 0, 64240, 2000.5], [1, SA, I1, I0B + 1, 0, 65160, 10.125], [1, SA, I1, I0B + 1, 0, 65160, 1000.5],
    [1, SA, I1, I0B + 1, 0, 65160, 0.0625], [1, SA, I1B, I0B + 1, 0, 65160, 3.5], [0, TCP_ACK, I0B + 1, I1 + 1, 0, 502, 0.75],
    [0, PA, I0B + 1, I1 + 1, 100, 502, 0.5], [1, TCP_ACK, I1 + 1, I0B + 101, 0, 509, 12.25], [1, PA, I1 + 1, I0B + 101, 200, 509, 0.5],
    [0, TCP_ACK, I0B + 101, I1 + 201, 0, 0, 0.25], [1, PA, I1 + 1, I0B + 101, 200, 509, 200.5], [0, FA, I0B + 101, I1 + 201, 0, 502, 1.5],
    [1, FA, I1 + 201, I0B + 102, 0, 509, 0.5], [0, TCP_ACK, I0B + 102, I1 + 202, 0, 502, 0.5], [1, TCP_RST, I1 + 202, 0, 0, 0, 0.25],
    [0, RA, I0B + 102, I1 + 202, 0, 0, 0.25], [0, TCP_RST, I0B + 103, 0, 0, 0, 0.125],
  ],
  // A SYN-ACK first (Zeek flips it), then the SYN it answered; VLAN tags, a second interface, a comment.
  [
    [0, SA, I0, I1 + 1, 0, 65160, 0], [1, TCP_SYN, I1, 0, 0, 64240, 0.5, 'vlan'], [1, TCP_ACK, I1 + 1, I0 + 1, 0, 502, 0.75, 'iface'],
    [0, PA, I0 + 1, I1 + 1, 10, 509, 0.5, 'comment'], [1, PA, I1 + 1, I0 + 11, 20, 502, 0.5], [1, FA, I1 + 21, I0 + 11, 0, 502, 0.5],
    [0, RA, I0 + 11, I1 + 22, 0, 0, 0.5],
  ],
  // Mid-stream: data first, then SYN+FIN, FIN+RST, SYN+RST and a SYN on the established side.
  [
    [0, PA, I0, I1, 50, 502, 0], [1, PA, I1, I0 + 50, 60, 509, 0.5], [0, TCP_SYN | TCP_FIN, I0 + 50, 0, 0, 502, 0.5],
    [1, TCP_FIN | TCP_RST, I1 + 60, 0, 0, 0, 0.5], [0, TCP_SYN, I0B, 0, 0, 64240, 0.5], [1, TCP_SYN | TCP_RST, I1B, 0, 0, 0, 0.5],
    [0, TCP_FIN, I0B + 1, 0, 0, 502, 0.5],
  ],
  // Simultaneous open: SYN each way, then SYN-ACK each way; a SYN answered by a RST.
  [
    [0, TCP_SYN, I0, 0, 0, 64240, 0], [1, TCP_SYN, I1, 0, 0, 64240, 0.5], [0, SA, I0, I1 + 1, 0, 64240, 0.5],
    [1, SA, I1, I0 + 1, 0, 64240, 0.5], [0, TCP_ACK, I0 + 1, I1 + 1, 0, 502, 0.5], [1, PA, I1 + 1, I0 + 1, 5, 502, 0.5],
  ],
  [[0, TCP_SYN, I0, 0, 0, 64240, 0], [1, RA, 0, I0 + 1, 0, 0, 0.25], [0, TCP_SYN, I0, 0, 0, 64240, 1000.5]],
  // The SYN acknowledged before it is answered (some stacks do); one side's data, then its SYN.
  [
    [0, TCP_SYN, I0, 0, 0, 64240, 0], [1, TCP_ACK, I1, I0 + 1, 0, 509, 0.25], [1, SA, I1, I0 + 1, 0, 65160, 0.25],
    [0, TCP_ACK, I0 + 1, I1 + 1, 0, 502, 0.5],
  ],
  [[0, PA, I0, I1, 50, 502, 0], [0, TCP_SYN, I0B, 0, 0, 64240, 0.5], [1, SA, I1B, I0B + 1, 0, 65160, 0.5]],
];

/**
 * Times the scripts are run: V8 gives a function a feedback vector only after it has run a
 * while (its first calls collect nothing), the shortest functions of the step after the most calls.
 */
const ROUNDS = 8;

/** Timestamp options, as almost every real segment carries (readOptions reads them for events). */
const OPTION_BYTES = new Uint8Array([1, 1, 8, 10, 0, 1, 226, 64, 0, 0, 0, 0]);

function setSegment(seg: TcpSegment, s: Step): void {
  const [, flags, seq, ack, len, window] = s;
  seg.flags = flags;
  seg.seq = seq % 4294967296;
  seg.ack = ack % 4294967296;
  seg.payloadLen = len;
  seg.window = window;
  seg.ttl = 64;
  seg.ipId = 4242;
  seg.vlanCount = s[7] === 'vlan' ? 1 : 0;
  seg.vlan[0] = 100;
  if (flags & TCP_SYN) {
    seg.mss = 1460;
    seg.windowScale = 7;
    seg.sackPermitted = true;
    seg.tsVal = 123456;
    seg.tsEcr = 0;
    seg.optionsTo = 0;
  } else {
    seg.mss = -1;
    seg.windowScale = -1;
    seg.sackPermitted = false;
    seg.tsVal = -1;
    seg.tsEcr = -1;
    seg.optionBytes = OPTION_BYTES;
    seg.optionsFrom = 0;
    seg.optionsTo = OPTION_BYTES.length;
  }
}

let primed = false;

export function primeFeedback(): void {
  if (primed) return;
  primed = true;
  const slab = new Slab(FLOW_STRIDE);
  const f = new FlowState(slab, new ZeekConn());
  const log = new EventLog();
  const options = new OptionSets();
  const seg = newTcpSegment();
  seg.ipVersion = 4;
  seg.src.set([10, 0, 0, 1]);
  seg.dst.set([10, 0, 0, 2]);
  seg.srcPort = 40000;
  seg.dstPort = 443;
  const t: PacketTime = { index: 0, sec: 1_700_000_000, ns: 0, frac: 0, ups: 1e6, interfaceId: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    for (const script of SCRIPTS) {
      for (let i = 0; i < script.length; i++) {
        const s = script[i];
        const us = Math.round(s[6] * 1000);
        t.index++;
        t.frac += us;
        t.sec += Math.floor(t.frac / 1e6);
        t.frac %= 1e6;
        t.ns = t.frac * 1000;
        t.interfaceId = s[7] === 'iface' ? 1 : 0;
        setSegment(seg, s);
        if (i === 0) f.open(t.index, 0, seg, t);
        updateFlow(f, seg, s[0], t, s[7] === 'comment' ? 'primed' : undefined, 8, log, options);
        // Every state the scripts pass through, as the store asks for a finished flow's.
        f.zeek.connState();
      }
      f.giveBack(slab);
    }
  }
}
