import { AppError } from '../errors.js';
import { soqlString } from '../soql/index.js';
import { restQueryPages, type SalesforceSession } from '../salesforce/index.js';
import type { IdResolver } from './remap.js';

/** The export column that carries each record's owner by name, rewritten to a target user's Id. */
export const OWNER_COLUMN = 'Owner.Username';
const USERS_PER_QUERY = 100;

/** Target user Ids by user name (compared without case, as Salesforce does). */
async function usersByName(session: SalesforceSession, names: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let at = 0; at < names.length; at += USERS_PER_QUERY) {
    const group = names.slice(at, at + USERS_PER_QUERY).map(soqlString).join(', ');
    for await (const page of restQueryPages(session, `SELECT Id, Username FROM User WHERE Username IN (${group})`, false)) {
      for (const user of page.records) found.set(String(user.Username).toLowerCase(), String(user.Id));
    }
  }
  return found;
}

/** The target user a plan's default owner names; refused when the target has no such user. */
export async function targetUserId(session: SalesforceSession, username: string): Promise<string> {
  const id = (await usersByName(session, [username])).get(username.toLowerCase());
  if (id) return id;
  const message = `The target org has no user ${username}: name a user it has as the default owner.`;
  throw new AppError('PLAN_OWNER_MISSING', 400, message);
}

/**
 * Owners by `User.Username`: a source record's owner's user name becomes the Id of the target user of that name, or
 * the default owner's when the target has none (without a default, the owner is left to the target: its running user).
 */
export class OwnerResolver implements IdResolver {
  private readonly known = new Map<string, string>();
  private readonly asked = new Set<string>();

  constructor(private readonly session: SalesforceSession, private readonly defaultOwnerId?: string) {}

  async lookup(usernames: Iterable<string>): Promise<Map<string, string>> {
    const names = [...new Set(usernames)];
    const fresh = [...new Set(names.map((n) => n.toLowerCase()))].filter((n) => !this.asked.has(n));
    for (const [name, id] of await usersByName(this.session, fresh)) this.known.set(name, id);
    for (const name of fresh) this.asked.add(name);
    const ids = new Map<string, string>();
    for (const name of names) {
      const id = this.known.get(name.toLowerCase()) ?? this.defaultOwnerId;
      if (id) ids.set(name, id);
    }
    return ids;
  }
}
