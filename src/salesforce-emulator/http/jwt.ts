import { createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { EmulatorState } from '../state.js';

const SKEW_SECONDS = 180;
const LOGIN_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

function publicKeyOf(pem: string): KeyObject {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Checks a JWT bearer assertion like an org: RS256 signature against the configured certificate,
 * iss = the client id, sub = a known username, aud = a login host (or the emulator itself), exp in the future.
 */
export function verifyJwtAssertion(state: EmulatorState, assertion: string, origin: string): { user: { id: string; username: string } } | { error: string } {
  const certificate = state.options.jwtCertificate;
  if (!certificate) return { error: 'invalid assertion: no certificate is configured for JWT bearer' };
  const parts = assertion.split('.');
  const header = parts.length === 3 ? decodePart(parts[0]) : null;
  const claims = parts.length === 3 ? decodePart(parts[1]) : null;
  if (!header || !claims || header.alg !== 'RS256') return { error: 'invalid assertion' };
  const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKeyOf(certificate), Buffer.from(parts[2], 'base64url'));
  if (!signed) return { error: 'invalid assertion: signature verification failed' };
  if (claims.iss !== state.options.clientId) return { error: 'invalid client credentials' };
  const audiences = [...LOGIN_AUDIENCES, origin];
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a.replace(/\/$/, '')))) return { error: 'audience is invalid' };
  if (typeof claims.exp !== 'number' || claims.exp + SKEW_SECONDS < Date.now() / 1000) return { error: 'expired authorization code' };
  const entry = typeof claims.sub === 'string' ? state.users.get(claims.sub.toLowerCase()) : undefined;
  if (!entry) return { error: 'user hasn\'t approved this consumer' };
  return { user: { id: entry.id, username: entry.user.username } };
}
