/**
 * Zeek history strings (zeek.ts), each made once per analysis: a history plus a letter is
 * looked up, not concatenated anew. Histories are few (a flood's attempts all read "Sh"); a new
 * string per flow and letter was garbage promoted with the attempts that held it, and a key the
 * store hashed anew to intern the flow's shape. Bounded: past PER_LETTER histories for a
 * letter, strings are made as before.
 */
const PER_LETTER = 4096;

export class Histories {
  /**
   * Per letter, indexed by its character code: history → history + letter. An array, not a
   * Map keyed by the letter: that was a second hash lookup for every letter a flow gained.
   */
  private readonly grown: (Map<string, string> | undefined)[] = new Array(128).fill(undefined);

  /** `history` + `letter` (one ASCII character), the same string each time. */
  grow(history: string, letter: string): string {
    const code = letter.charCodeAt(0);
    let byHistory = this.grown[code];
    if (byHistory === undefined) this.grown[code] = byHistory = new Map();
    let next = byHistory.get(history);
    if (next === undefined) {
      next = history + letter;
      if (byHistory.size < PER_LETTER) byHistory.set(history, next);
    }
    return next;
  }
}
