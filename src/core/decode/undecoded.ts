/**
 * Frames the decoder recognised but could not see into (an unknown link type, a tunnel whose
 * payload type it does not know, encrypted 802.11), so a capture of them does not pass for an
 * empty, healthy one. Non-TCP traffic the decoder does understand (UDP, ICMP, ARP, 802.11
 * management) is not noted: only layers it cannot parse at all.
 */
import type { CaptureProblem } from '../capture/types';

export const enum Undecoded {
  None = 0,
  /** `value`: the link type. */
  LinkType,
  /** `value`: GRE protocol type. */
  GreProtocol,
  /** `value`: GRE version. */
  GreVersion,
  /** `value`: ERSPAN type III frame type. */
  ErspanFrameType,
  /** `value`: first byte of the T-PDU. */
  GtpPayload,
  L2tpV3,
  CapwapDtls,
  CapwapFragment,
  /** `value`: wireless binding id. */
  CapwapBinding,
  WlanProtected,
  WlanAmsdu,
  /** `value`: the DLT PPI says follows. */
  PpiDlt,
}

/**
 * What the last decode left undecoded (outermost reason). Module state, like lastFragment,
 * keeps the hot path allocation-free; decodeFrame clears it.
 */
export const lastUndecoded = { kind: Undecoded.None, value: 0 };

export function noteUndecoded(kind: Undecoded, value = 0): void {
  if (lastUndecoded.kind !== Undecoded.None) return;
  lastUndecoded.kind = kind;
  lastUndecoded.value = value;
}

const hex4 = (v: number): string => `0x${v.toString(16).padStart(4, '0')}`;

function what(kind: Undecoded, value: number, n: number): string {
  const packets = n === 1 ? '1 packet' : `${n.toLocaleString('en-US')} packets`;
  const were = n === 1 ? 'was' : 'were';
  switch (kind) {
    case Undecoded.LinkType: return `${packets} of link type ${value} ${were} not decoded (link type not supported)`;
    case Undecoded.GreProtocol: return `${packets} tunnelled in GRE with protocol type ${hex4(value)} ${were} not decoded`;
    case Undecoded.GreVersion: return `${packets} tunnelled in GRE version ${value} ${were} not decoded`;
    case Undecoded.ErspanFrameType: return `${packets} in ERSPAN type III with frame type ${value} (not Ethernet) ${were} not decoded`;
    case Undecoded.GtpPayload: return `${packets} in GTP-U whose payload is not IP ${were} not decoded`;
    case Undecoded.L2tpV3: return `${packets} of L2TPv3 session data ${were} not decoded`;
    case Undecoded.CapwapDtls: return `${packets} of DTLS-encrypted CAPWAP data ${were} not decoded`;
    case Undecoded.CapwapFragment: return `${packets} of fragmented CAPWAP data ${were} not decoded`;
    case Undecoded.CapwapBinding: return `${packets} of CAPWAP data with wireless binding ${value} ${were} not decoded`;
    case Undecoded.WlanProtected: return `${packets} of encrypted (protected) 802.11 data ${were} not decoded`;
    case Undecoded.WlanAmsdu: return `${packets} of 802.11 A-MSDU data (aggregated frames) ${were} not decoded`;
    case Undecoded.PpiDlt: return `${packets} of PPI with inner link type ${value} ${were} not decoded`;
    default: return `${packets} ${were} not decoded`;
  }
}

/** Distinct kinds reported; more fold into the last one's count (bad input can vary GRE types endlessly). */
const MAX_KINDS = 32;

interface Tally { kind: Undecoded; value: number; count: number; offset: number; frame: number }

/** One count per kind of undecoded frame, with the first such frame, for capture.problems. */
export class UndecodedTally {
  private readonly kinds = new Map<number, Tally>();
  private other: Tally | null = null;

  note(kind: Undecoded, value: number, offset: number, frame: number): void {
    const key = kind * 0x100000000 + value;
    let t = this.kinds.get(key);
    if (!t) {
      if (this.kinds.size >= MAX_KINDS) {
        this.other ??= { kind: Undecoded.None, value: 0, count: 0, offset, frame };
        this.other.count++;
        return;
      }
      t = { kind, value, count: 0, offset, frame };
      this.kinds.set(key, t);
    }
    t.count++;
  }

  /** In order of first appearance; `packet` is the frame before the first one, as for damage. */
  problems(): CaptureProblem[] {
    const all = [...this.kinds.values()];
    if (this.other) all.push(this.other);
    return all.map((t) => ({ offset: t.offset, packet: t.frame - 1, message: `${what(t.kind, t.value, t.count)} (the first is frame ${t.frame})`, kind: 'undecoded' }));
  }
}
