// snappyjs (npm, MIT) ships no types: the one function the Parquet export hands the writer.
declare module 'snappyjs' {
  export function compress(input: Uint8Array): Uint8Array;
  export function uncompress(input: Uint8Array): Uint8Array;
}
