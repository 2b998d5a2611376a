import { createRequire } from 'node:module';

type Iconv = typeof import('iconv-lite');
let iconv: Iconv | undefined;
/** iconv-lite's tables are half a megabyte of code: loaded the first time a text is not UTF-8. */
const codecs = (): Iconv => (iconv ??= createRequire(import.meta.url)('iconv-lite') as Iconv);

const isUtf8 = (encoding: string) => /^utf-?8$/i.test(encoding);

export function encodingExists(encoding: string): boolean {
  return isUtf8(encoding) || codecs().encodingExists(encoding);
}

/** Text as bytes in an encoding iconv-lite knows (UTF-8 without loading it). */
export function encodeText(text: string, encoding: string): Buffer {
  return isUtf8(encoding) ? Buffer.from(text, 'utf8') : codecs().encode(text, encoding);
}

/** Bytes in an encoding as text (UTF-8 without loading iconv-lite; a BOM is dropped, as iconv-lite drops it). */
export function decodeText(bytes: Buffer, encoding: string): string {
  return isUtf8(encoding) ? bytes.toString('utf8').replace(/^\uFEFF/, '') : codecs().decode(bytes, encoding);
}
