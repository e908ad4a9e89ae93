// The parts of hyparquet-writer that its package exports as files (`hyparquet-writer/src/*.js`)
// and that parquetGroup.ts writes a row group with, typed by the package's own declarations.
declare module 'hyparquet-writer/src/column.js' {
  export * from 'hyparquet-writer/types/column';
}
declare module 'hyparquet-writer/src/datapage.js' {
  export * from 'hyparquet-writer/types/datapage';
}
declare module 'hyparquet-writer/src/dictionary.js' {
  export * from 'hyparquet-writer/types/dictionary';
}
declare module 'hyparquet-writer/src/dremel.js' {
  export * from 'hyparquet-writer/types/dremel';
}
declare module 'hyparquet-writer/src/schema.js' {
  export * from 'hyparquet-writer/types/schema';
}
declare module 'hyparquet-writer/src/unconvert.js' {
  export * from 'hyparquet-writer/types/unconvert';
}
declare module 'hyparquet-writer/src/encoding.js' {
  export * from 'hyparquet-writer/types/encoding';
}
