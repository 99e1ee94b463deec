import { setTimeout as sleep } from 'node:timers/promises';

/** An access token and the instance it is for. */
export interface Token { accessToken: string; instanceUrl: string }

/**
 * Where the processes of a deployment share one connection's access token (sealed in Redis: sessions.ts), so a new
 * worker process uses the token another one obtained instead of logging in again before its first call.
 */
export interface TokenStore {
  read(): Promise<Token | undefined>;
  write(token: Token): Promise<void>;
  /** Takes the right to log in for every process (true), or false while another process holds it. */
  claimLogin(): Promise<boolean>;
  releaseLogin(): Promise<void>;
}

const WAIT_STEP_MS = 100;
/** How long a process waits for another one's login before it logs in itself (that one may have died). */
const WAIT_FOR_OTHERS_MS = 15_000;

/**
 * The token to use: the shared one unless it is `failed` (the token Salesforce just refused with INVALID_SESSION_ID),
 * else a new login by exactly one process (the first that sees the refusal) while the others wait for its token.
 */
export async function sharedToken(store: TokenStore, login: () => Promise<Token>, failed?: string): Promise<Token> {
  const usable = (token: Token | undefined) => (token && token.accessToken !== failed ? token : undefined);
  for (const waitUntil = Date.now() + WAIT_FOR_OTHERS_MS; ;) {
    const shared = usable(await store.read());
    if (shared) return shared;
    if (await store.claimLogin()) {
      try {
        // Another process may have stored its token between the read above and the claim.
        const stored = usable(await store.read());
        if (stored) return stored;
        const token = await login();
        await store.write(token);
        return token;
      } finally {
        await store.releaseLogin();
      }
    }
    if (Date.now() > waitUntil) return login();
    await sleep(WAIT_STEP_MS);
  }
}
