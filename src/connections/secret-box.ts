import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.js';

/** An AES-256-GCM sealed value as stored in CouchDB: version, 12-byte IV, 16-byte tag, ciphertext (base64). */
export const SealedBox = z.object({ v: z.literal(1), iv: z.string(), tag: z.string(), data: z.string() });
export type SealedBox = z.infer<typeof SealedBox>;

/**
 * `aad` binds a box to the document it belongs to (the connection id), so a sealed secret copied
 * into another document does not decrypt.
 */
export function seal(key: Buffer, plaintext: string, aad: string): SealedBox {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

export function open(key: Buffer, box: SealedBox, aad: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new AppError(
      'SECRET_UNREADABLE',
      500,
      'A stored connection secret cannot be decrypted: SECRET_KEY differs from the key it was saved with. Restore the old SECRET_KEY or add the connection again.',
      { cause: error, expose: true },
    );
  }
}
