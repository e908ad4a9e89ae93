/**
 * Fewer, wider time bins for a small chart: a 320 px chart of 567 bins draws 0.55 px bars
 * whose tooltips no pointer can reach. Adjacent bins are summed (counts stay exact; the total
 * is unchanged) and the bin width grows by the same whole factor, so the label can say it.
 */
export function rebin(values: readonly number[], binSeconds: number, maxBins: number): { values: number[]; binSeconds: number } {
  const factor = Math.max(1, Math.ceil(values.length / Math.max(1, maxBins)));
  if (factor === 1) return { values: [...values], binSeconds };
  const out: number[] = new Array<number>(Math.ceil(values.length / factor)).fill(0);
  for (let i = 0; i < values.length; i++) out[Math.floor(i / factor)]! += values[i]!;
  return { values: out, binSeconds: binSeconds * factor };
}
