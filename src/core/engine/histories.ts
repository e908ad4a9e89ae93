/**
 * Zeek history strings (zeek.ts), each made once per analysis: a history plus a letter is
 * looked up, not concatenated anew. Histories are few (a flood's attempts all read "Sh"); a new
 * string per flow and letter was garbage promoted with the attempts that held it, and a key the
 * store hashed anew to intern the flow's shape. Bounded: past PER_LETTER histories for a
 * letter, strings are made as before.
 */
const PER_LETTER = 4096;

export class Histories {
  /** Per letter: history → history + letter. */
  private readonly grown = new Map<string, Map<string, string>>();

  /** `history` + `letter`, the same string each time. */
  grow(history: string, letter: string): string {
    let byHistory = this.grown.get(letter);
    if (byHistory === undefined) this.grown.set(letter, (byHistory = new Map()));
    let next = byHistory.get(history);
    if (next === undefined) {
      next = history + letter;
      if (byHistory.size < PER_LETTER) byHistory.set(history, next);
    }
    return next;
  }
}
