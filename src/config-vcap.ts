import { z } from 'zod';

/**
 * Cloud Foundry's VCAP_SERVICES: Redis and Cloudant/CouchDB bindings (managed or user-provided) and a
 * `dms-secrets` user-provided service. Pure parsing; src/config.ts passes the raw variable in.
 */
const Credentials = z.record(z.string(), z.unknown());
const Binding = z.object({
  name: z.string().optional(),
  label: z.string().optional(),
  instance_name: z.string().optional(),
  tags: z.array(z.string()).optional(),
  credentials: Credentials.default({}),
});
export const VcapServices = z.record(z.string(), z.array(Binding));
type Binding = z.infer<typeof Binding>;

export interface RedisSettings {
  url: string;
  tlsCa?: Buffer;
  source: 'REDIS_URL' | 'VCAP_SERVICES' | 'embedded';
}

export interface CouchSettings {
  url: string;
  iamApiKey?: string;
  source: 'COUCHDB_URL' | 'VCAP_SERVICES' | 'embedded';
}


const matches = (b: Binding, word: string) =>
  [b.name, b.label, b.instance_name, ...(b.tags ?? [])].some((s) => s?.toLowerCase().includes(word));

function redisFromBinding(b: Binding, problems: string[]): RedisSettings | undefined {
  const c = b.credentials;
  const rediss = (c.connection as { rediss?: { composed?: string[]; certificate?: { certificate_base64?: string } } } | undefined)?.rediss;
  const caB64 = rediss?.certificate?.certificate_base64 ?? (typeof c.ca_certificate_base64 === 'string' ? c.ca_certificate_base64 : undefined);
  const tlsCa = caB64 ? Buffer.from(caB64, 'base64') : undefined;
  const uri = rediss?.composed?.[0] ?? (typeof c.uri === 'string' ? c.uri : typeof c.url === 'string' ? c.url : undefined);
  if (uri) return { url: uri, tlsCa, source: 'VCAP_SERVICES' };
  const host = c.host ?? c.hostname;
  const port = c.tls_port ?? c.port;
  if (typeof host === 'string' && (typeof port === 'number' || typeof port === 'string')) {
    const scheme = c.tls_port !== undefined ? 'rediss' : 'redis';
    const password = typeof c.password === 'string' ? `:${encodeURIComponent(c.password)}@` : '';
    return { url: `${scheme}://${password}${host}:${port}`, tlsCa, source: 'VCAP_SERVICES' };
  }
  problems.push(`VCAP_SERVICES: Redis binding "${b.name ?? b.label}" has neither credentials.uri nor host and port`);
  return undefined;
}

function couchFromBinding(b: Binding, problems: string[]): CouchSettings | undefined {
  const c = b.credentials;
  const apikey = typeof c.apikey === 'string' ? c.apikey : undefined;
  const url = typeof c.url === 'string' ? c.url : typeof c.host === 'string' ? `https://${c.host}` : undefined;
  if (!url) {
    problems.push(`VCAP_SERVICES: Cloudant binding "${b.name ?? b.label}" has no credentials.url or credentials.host`);
    return undefined;
  }
  const parsed = new URL(url);
  // With both legacy and IAM credentials, prefer IAM and strip the basic-auth part of the URL.
  if (apikey && (!parsed.password || !c.password)) {
    parsed.username = '';
    parsed.password = '';
    return { url: parsed.toString(), iamApiKey: apikey, source: 'VCAP_SERVICES' };
  }
  if (!parsed.password && typeof c.username === 'string' && typeof c.password === 'string') {
    parsed.username = c.username;
    parsed.password = c.password;
  }
  return { url: parsed.toString(), source: 'VCAP_SERVICES' };
}

export function parseVcap(raw: string | undefined, problems: string[]): { redis?: RedisSettings; couch?: CouchSettings } {
  if (!raw) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    problems.push('VCAP_SERVICES is not valid JSON');
    return {};
  }
  const parsed = VcapServices.safeParse(json);
  if (!parsed.success) {
    problems.push(`VCAP_SERVICES does not have the Cloud Foundry shape: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    return {};
  }
  const bindings = Object.values(parsed.data).flat();
  const redisBinding = bindings.find((b) => matches(b, 'redis'));
  const couchBinding = bindings.find((b) => matches(b, 'cloudant') || matches(b, 'couch'));
  return {
    redis: redisBinding ? redisFromBinding(redisBinding, problems) : undefined,
    couch: couchBinding ? couchFromBinding(couchBinding, problems) : undefined,
  };
}

/**
 * On Cloud Foundry secrets belong in a user-provided service, not in `env:` (visible in `cf env`):
 * a binding named or tagged `dms-secrets` supplies variables such as SECRET_KEY; real env vars win.
 */
export function secretsFromVcap(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  try {
    const services = VcapServices.parse(JSON.parse(raw));
    const binding = Object.values(services).flat().find((b) => b.name === 'dms-secrets' || b.tags?.includes('dms-secrets'));
    return Object.fromEntries(Object.entries(binding?.credentials ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {}; // reported by parseVcap
  }
}
