export { createTextDecoder, detectEncoding, isWideUnicode, normaliseEncoding, sampleText, unicodeForm } from './encoding.js';
export { decodeText, type TextPosition } from './decode.js';
