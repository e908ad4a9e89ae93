// hyparquet-writer's own Snappy compressor (exported as a file, without types): the reference
// for ours (parquetStore.test.ts).
declare module 'hyparquet-writer/src/snappy.js' {
  export function snappyCompress(input: Uint8Array): Uint8Array;
}
