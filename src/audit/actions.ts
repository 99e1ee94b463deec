import type { AuditInput, AuditTarget } from './model.js';

type Described = Pick<AuditInput, 'action' | 'target'>;

/**
 * Requests that change nothing a person would look for later: previews, suggestions, compatibility checks,
 * the guided flow's drafts as they are edited (the migration it starts is recorded).
 */
const NOT_AUDITED: RegExp[] = [
  /^POST \/api\/v1\/preview$/,
  /^POST \/api\/v1\/mapping\/suggest$/,
  /^POST \/api\/v1\/templates\/[^/]+\/check$/,
  /^(POST|PATCH) \/api\/v1\/drafts(\/[^/]+)?$/,
  /^POST \/migrations\/drafts(\/[^/]+\/(start|target|mapping|pipeline|validate|run))?$/,
  /^POST \/connections\/oauth\/start$/,
];

const MIGRATION_CONTROLS = 'start|pause|resume|cancel|rollback|retry-failed|reconcile|approve|reject';
const TRANSFER_CONTROLS = 'pause|resume|stop';

/** What each state-changing request is, in a stable action name, and which target its path names. */
const RULES: { pattern: RegExp; action: string; target: AuditTarget['type'] }[] = [
  { pattern: /^POST \/api\/v1\/datasets$/, action: 'dataset.upload', target: 'dataset' },
  { pattern: /^(DELETE \/api\/v1\/datasets\/([^/]+)|POST \/datasets\/([^/]+)\/delete)$/, action: 'dataset.delete', target: 'dataset' },
  { pattern: /^POST (?:\/api\/v1)?\/datasets\/([^/]+)\/reparse$/, action: 'dataset.reparse', target: 'dataset' },
  { pattern: /^POST (\/api\/v1\/templates|\/templates|\/migrations\/drafts\/[^/]+\/template)$/, action: 'template.save', target: 'template' },
  { pattern: /^(DELETE \/api\/v1\/templates\/([^/]+)|POST \/templates\/([^/]+)\/delete)$/, action: 'template.delete', target: 'template' },
  { pattern: /^POST (\/api\/v1)?\/plans$/, action: 'plan.create', target: 'plan' },
  { pattern: /^PUT \/api\/v1\/plans\/([^/]+)$/, action: 'plan.update', target: 'plan' },
  { pattern: /^POST (?:\/api\/v1)?\/plans\/([^/]+)\/runs$/, action: 'plan.run', target: 'plan' },
  { pattern: /^POST (?:\/api\/v1)?\/plans\/([^/]+)\/runs\/[^/]+\/rollback$/, action: 'plan.rollback', target: 'plan' },
  { pattern: /^POST (\/api\/v1\/validations|\/migrations\/drafts\/[^/]+\/dry-run)$/, action: 'validation.start', target: 'validation' },
  { pattern: /^POST \/api\/v1\/migrations$/, action: 'migration.create', target: 'migration' },
  { pattern: /^POST \/migrations\/drafts\/[^/]+\/launch$/, action: 'migration.create', target: 'migration' },
  { pattern: new RegExp(`^POST (?:/api/v1)?/migrations/([^/]+)/(${MIGRATION_CONTROLS})$`), action: 'migration.', target: 'migration' },
  { pattern: /^POST (\/api\/v1)?\/transfers$/, action: 'transfer.create', target: 'transfer' },
  { pattern: new RegExp(`^POST (?:/api/v1)?/transfers/([^/]+)/(${TRANSFER_CONTROLS})$`), action: 'transfer.', target: 'transfer' },
  { pattern: /^POST (?:\/api\/v1)?\/transfers\/([^/]+)\/dead-letters\/retry$/, action: 'transfer.retry-dead-letters', target: 'transfer' },
  { pattern: /^POST (\/api\/v1)?\/connections$/, action: 'connection.create', target: 'connection' },
  { pattern: /^(DELETE \/api\/v1\/connections\/([^/]+)|POST \/connections\/([^/]+)\/delete)$/, action: 'connection.delete', target: 'connection' },
  { pattern: /^POST (?:\/api\/v1)?\/connections\/([^/]+)\/test$/, action: 'connection.test', target: 'connection' },
  { pattern: /^(PATCH \/api\/v1\/connections\/([^/]+)|POST \/connections\/([^/]+)\/settings)$/, action: 'connection.settings', target: 'connection' },
  { pattern: /^POST (\/admin|\/api\/v1)\/users$/, action: 'user.create', target: 'user' },
  { pattern: /^(POST \/admin|PATCH \/api\/v1)\/users\/([^/]+)$/, action: 'user.update', target: 'user' },
];

/** The last captured path segment of a rule is its target's id; `migration.` and `transfer.` rules end with the control's name. */
function fromRule(rule: (typeof RULES)[number], match: RegExpExecArray): Described {
  const captured = match.slice(1).filter((part): part is string => part !== undefined && !part.startsWith('/') && !/^(POST|DELETE|PATCH)/.test(part));
  if (rule.action === 'migration.' || rule.action === 'transfer.') {
    const [id, control] = captured;
    return { action: `${rule.action}${control}`, target: { type: rule.target, id: decodeURIComponent(id ?? '') } };
  }
  const id = captured.at(-1);
  return { action: rule.action, target: { type: rule.target, ...(id ? { id: decodeURIComponent(id).slice(0, 200) } : {}) } };
}

/**
 * What a request did, from its method and full path (`req.originalUrl`: a router's `req.path` is cut), or
 * undefined when it is not audited. Routes refine it through `res.locals.audit` (a created id, what changed).
 */
export function describeRequest(method: string, path: string): Described | undefined {
  const line = `${method} ${path.replace(/\/+$/, '') || '/'}`;
  if (NOT_AUDITED.some((p) => p.test(line))) return undefined;
  for (const rule of RULES) {
    const match = rule.pattern.exec(line);
    if (match) return fromRule(rule, match);
  }
  const parts = path.replace(/^\/api\/v1/, '').split('/').filter(Boolean);
  return { action: `${parts[0] ?? 'root'}.${method.toLowerCase()}`.slice(0, 100), target: { type: 'other', ...(parts[1] ? { id: parts[1].slice(0, 200) } : {}) } };
}
