/**
 * Salesforce record ids: 15-character case-sensitive base-62 ids and their 18-character
 * case-insensitive form (reference section 6). Pure functions, shared by the emulator and the writers.
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID15 = /^[0-9A-Za-z]{15}$/;
const ID18 = /^[0-9A-Za-z]{15}[A-Za-z0-5]{3}$/;

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** The 3-character case map of a 15-character id. */
export function idSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      if (isUpper(id15.charCodeAt(chunk * 5 + i))) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/**
 * Normalises a 15- or 18-character id to its 18-character form, or returns null when the value
 * is not an id. An 18-character id is case-insensitive: the suffix restores the case of the
 * first 15 characters, so `001a0000006vm9rIAC` and `001A0000006Vm9rIAC` are the same record.
 */
export function toId18(value: string): string | null {
  if (ID15.test(value)) return value + idSuffix(value);
  if (!ID18.test(value)) return null;
  const suffix = value.slice(15).toUpperCase();
  let restored = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix[chunk]);
    for (let i = 0; i < 5; i++) {
      const ch = value[chunk * 5 + i];
      restored += (bits >> i) & 1 ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  // A digit cannot carry an "upper case" bit: such a suffix does not belong to this id.
  return idSuffix(restored) === suffix ? restored + suffix : null;
}

/** The 15-character, case-sensitive form. */
export function toId15(value: string): string | null {
  const id18 = toId18(value);
  return id18 === null ? null : id18.slice(0, 15);
}

export function isValidId(value: string): boolean {
  return toId18(value) !== null;
}

/** The key prefix (first three characters) of an id, e.g. `001` for Account. */
export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}

/**
 * Builds an 18-character id from a 3-character key prefix and a sequence number; `salt` (up to
 * 3 base-62 characters) keeps ids from different emulator instances apart.
 */
export function makeId(keyPrefix: string, sequence: number, salt = ''): string {
  if (!/^[0-9A-Za-z]{3}$/.test(keyPrefix)) throw new Error(`Invalid key prefix: ${keyPrefix}`);
  let body = '';
  let n = Math.floor(sequence);
  while (n > 0) {
    body = BASE62[n % 62] + body;
    n = Math.floor(n / 62);
  }
  const id15 = keyPrefix + (salt + body.padStart(12 - salt.length, '0')).slice(-12);
  return id15 + idSuffix(id15);
}

/** A random 3-character base-62 salt for makeId. */
export function randomIdSalt(random: () => number = Math.random): string {
  let salt = '';
  for (let i = 0; i < 3; i++) salt += BASE62[Math.floor(random() * 62)];
  return salt;
}
