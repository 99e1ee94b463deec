import express, { Router, type Response } from 'express';
import type { EmulatorState } from '../state.js';
import { checkPassword, openSession, originOf } from './auth.js';
import { servedVersion } from './versions.js';

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, '\'').replace(/&amp;/g, '&');
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function element(body: string, name: string): string | undefined {
  const match = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?${name}>`).exec(body);
  return match ? unescapeXml(match[1]) : undefined;
}

const envelope = (inner: string) =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
  `${inner}</soapenv:Body></soapenv:Envelope>`;

function fault(res: Response, code: string, message: string): void {
  res.status(500).type('text/xml').send(envelope(
    `<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${escapeXml(`${code}: ${message}`)}</faultstring></soapenv:Fault>`));
}

/**
 * SOAP partner login()/logout() as jsforce's conn.login() uses it without OAuth client credentials.
 * Result elements are unprefixed because jsforce reads them with plain regexes.
 */
export function soapRouter(state: EmulatorState): Router {
  const router = Router();
  router.post('/services/Soap/u/:version', express.text({ type: () => true, limit: '1mb' }), (req, res) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const version = String(req.params.version);
    if (typeof servedVersion(`v${version}`) !== 'number') {
      return fault(res, 'UNSUPPORTED_API_VERSION', 'Invalid Api version specified on URL');
    }
    if (/<(?:\w+:)?logout\b/.test(body)) {
      const sessionId = element(body, 'sessionId');
      if (sessionId && state.sessions.delete(sessionId)) state.sessionsChanged = true;
      res.type('text/xml').send(envelope('<logoutResponse/>'));
      return;
    }
    const user = checkPassword(state, element(body, 'username') ?? '', element(body, 'password') ?? '');
    if (!user) return fault(res, 'INVALID_LOGIN', 'Invalid username, password, security token; or user locked out.');
    const origin = originOf(req);
    const entry = state.users.get(user.username.toLowerCase())!.user;
    const orgId = state.options.orgId;
    res.type('text/xml').send(envelope(
      '<loginResponse><result>' +
      `<metadataServerUrl>${origin}/services/Soap/m/${version}/${orgId}</metadataServerUrl>` +
      '<passwordExpired>false</passwordExpired><sandbox>true</sandbox>' +
      `<serverUrl>${origin}/services/Soap/u/${version}/${orgId}</serverUrl>` +
      `<sessionId>${openSession(state, user)}</sessionId><userId>${user.id}</userId>` +
      '<userInfo><accessibilityMode>false</accessibilityMode><currencySymbol>$</currencySymbol>' +
      `<organizationId>${orgId}</organizationId><organizationMultiCurrency>false</organizationMultiCurrency>` +
      `<organizationName>${escapeXml(state.options.organizationName)}</organizationName><profileId>${state.profileId}</profileId>` +
      `<userEmail>${escapeXml(entry.email)}</userEmail><userFullName>${escapeXml(`${entry.firstName} ${entry.lastName}`)}</userFullName>` +
      `<userId>${user.id}</userId><userLanguage>en_US</userLanguage><userLocale>en_US</userLocale>` +
      `<userName>${escapeXml(entry.username)}</userName><userTimeZone>GMT</userTimeZone><userType>Standard</userType>` +
      '</userInfo></result></loginResponse>'));
  });
  return router;
}
