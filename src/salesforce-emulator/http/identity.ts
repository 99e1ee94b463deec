import { Router } from 'express';
import type { EmulatorState, Session } from '../state.js';
import { originOf, requireSession } from './auth.js';
import { versionList } from './versions.js';

/** Identity URL (`/id/{orgId}/{userId}`) and the versions list. */
export function identityRouter(state: EmulatorState): Router {
  const router = Router();
  router.get('/services/data', (_req, res) => {
    res.json(versionList());
  });
  router.get('/id/:orgId/:userId', requireSession(state), (req, res) => {
    const session = res.locals.session as Session;
    const entry = state.users.get(session.username.toLowerCase())!;
    const origin = originOf(req);
    const base = `${origin}/services/data/v{version}`;
    res.json({
      id: `${origin}/id/${state.options.orgId}/${entry.id}`,
      asserted_user: true,
      user_id: entry.id,
      organization_id: state.options.orgId,
      username: entry.user.username,
      nick_name: entry.user.username.split('@')[0],
      display_name: `${entry.user.firstName} ${entry.user.lastName}`,
      email: entry.user.email,
      email_verified: true,
      first_name: entry.user.firstName,
      last_name: entry.user.lastName,
      timezone: 'GMT',
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      is_app_installed: true,
      urls: {
        rest: `${base}/`, sobjects: `${base}/sobjects/`, query: `${base}/query/`, search: `${base}/search/`,
        recent: `${base}/recent/`, limits: `${base}/limits/`, profile: `${origin}/${entry.id}`,
        partner: `${origin}/services/Soap/u/{version}/${state.options.orgId}`,
      },
    });
  });
  router.get('/services/oauth2/userinfo', requireSession(state), (req, res) => {
    const session = res.locals.session as Session;
    const entry = state.users.get(session.username.toLowerCase())!;
    const origin = originOf(req);
    res.json({
      sub: `${origin}/id/${state.options.orgId}/${entry.id}`, user_id: entry.id, organization_id: state.options.orgId,
      preferred_username: entry.user.username, nickname: entry.user.username.split('@')[0],
      name: `${entry.user.firstName} ${entry.user.lastName}`, email: entry.user.email, email_verified: true,
      given_name: entry.user.firstName, family_name: entry.user.lastName, zoneinfo: 'GMT', active: true,
      user_type: 'STANDARD',
      language: 'en_US', locale: 'en_US', utcOffset: 0, updated_at: new Date().toISOString(), is_app_installed: true,
    });
  });
  return router;
}
