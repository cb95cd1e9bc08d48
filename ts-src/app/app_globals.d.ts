// What app code may pass to JSON.parse besides a string: a message (Bytes).
// `JSON.parse(msg) as Cmd | null` is compiled to the Json reader
// (codegen/src/lower.ts); under Node ts-src/node/app_lower.ts decodes the
// bytes as UTF-8 first.
interface JSON {
  parse(text: Uint8Array): unknown;
}
