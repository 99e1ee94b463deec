import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { badRequest } from '../errors.js';
import { assertConfirmed } from '../confirmations/index.js';
import { currentUser } from '../auth/index.js';
import { getDataset } from '../datasets/index.js';
import {
  DRAFT_STEPS, DraftStep, changeDraft, createDraft, draftUrl, getDraft, listOpenDrafts, mapColumnsAdded, pipelineProblems, runDraft,
  saveDraftAsTemplate, stepIndex, validateDraft, type DraftDoc,
} from '../drafts/index.js';
import { jsonField, savedTemplate } from './templates.js';
import { actorOf, createdMigration } from './migrations.js';
import { renderStep, startFacts } from './flow-steps.js';

const blankToNull = z.string().trim().max(200).optional().transform((v) => (v === undefined ? undefined : v || null));
const checkbox = z.string().optional().transform((v) => v === 'on' || v === 'true');

/** Each step's form, as the page sends it (text and JSON fields), turned into a draft change. */
const STEP_FORMS: Record<DraftStep, z.ZodType<Record<string, unknown>>> = {
  start: z.object({ datasetId: z.string().min(1).max(100).optional() }),
  target: z.object({
    connectionId: z.string().min(1).max(100), object: z.string().trim().max(80).optional().transform((v) => v || undefined),
    operation: z.string(), externalIdField: blankToNull,
  }),
  mapping: z.object({ mapping: jsonField(z.unknown()).optional() }),
  pipeline: z.object({ pipeline: jsonField(z.unknown()).optional() }),
  validate: z.object({}),
  run: z.object({
    name: blankToNull, batchSize: z.string().trim().optional(), apiMode: z.enum(['auto', 'collections', 'bulk']).default('auto'),
    serial: checkbox, allOrNone: checkbox, insertNulls: checkbox,
  }).transform(({ name, batchSize, apiMode, serial, allOrNone, insertNulls }) => ({
    name, insertNulls, options: { batchSize: batchSize ? Number(batchSize) : undefined, apiMode, serial, allOrNone },
  })),
};

function stepForm(step: DraftStep, body: unknown): Record<string, unknown> {
  const form = STEP_FORMS[step].safeParse(body ?? {});
  if (!form.success) throw badRequest(form.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return form.data;
}

/** What a step page shows after a redirect: a template saved, an .sdl file imported. */
const StepQuery = z.object({
  saved: z.string().max(200).optional(), sdl: z.coerce.number().int().min(0).optional(), unknown: z.string().max(2000).optional(),
});

const Nav = z.object({ nav: z.enum(['back', 'next', 'stay']).default('next') });

/** What a step needs before Next: the target an object, the pipeline whole steps. */
function refusal(draft: DraftDoc, step: DraftStep): { key: string; params?: Record<string, string | number> }[] {
  if (step === 'target' && !draft.object) return [{ key: 'flow.target.pickObject' }];
  if (step === 'pipeline') return pipelineProblems(draft.pipeline);
  return [];
}

const neighbour = (step: DraftStep, by: number): DraftStep => DRAFT_STEPS[Math.min(Math.max(stepIndex(step) + by, 0), DRAFT_STEPS.length - 1)];

async function draftOf(services: Services, id: string, res: Response): Promise<DraftDoc | undefined> {
  const draft = await getDraft(services, id);
  if (draft.migrationId) {
    res.redirect(303, `/migrations/${encodeURIComponent(draft.migrationId)}`);
    return undefined;
  }
  return draft;
}

/** The guided flow: /migrations/new, then /migrations/drafts/:id/:step for every step, each with Back and Next. */
export function flowPageRoutes(services: Services): Router {
  const router = Router();
  router.get('/new', async (req, res) => {
    const query = z.object({ datasetId: z.string().max(100).optional(), template: z.string().max(100).optional() }).parse(req.query);
    const drafts = await listOpenDrafts(services, currentUser(res)?.username ?? '');
    const draft = { _id: '', datasetId: query.datasetId ?? '', pipeline: [], reached: 'start', template: undefined } as unknown as DraftDoc;
    await renderStep(services, res, draft, 'start', { drafts, chosenTemplate: query.template ?? '' });
  });

  router.post('/drafts', async (req, res) => {
    const draft = await createDraft(services, req.body, actorOf(res));
    res.redirect(303, draftUrl(draft._id, draft.reached === 'start' ? 'target' : draft.reached));
  });

  router.get('/drafts/:id', async (req, res) => {
    const draft = await draftOf(services, req.params.id, res);
    if (draft) res.redirect(303, draftUrl(draft._id, draft.reached));
  });

  router.get('/drafts/:id/:step', async (req, res) => {
    const step = DraftStep.parse(req.params.step);
    const draft = await draftOf(services, req.params.id, res);
    if (!draft) return;
    // A step needs what the steps before it chose: an object before the mapping.
    if (stepIndex(step) >= stepIndex('mapping') && !draft.object) return res.redirect(303, draftUrl(draft._id, 'target'));
    const { saved, sdl, unknown } = StepQuery.parse(req.query);
    await renderStep(services, res, draft, step, { saved, sdlResult: sdl === undefined ? undefined : { count: sdl, unknown } });
  });

  router.post('/drafts/:id/dry-run', async (req, res) => {
    const draft = await validateDraft(services, await getDraft(services, req.params.id), actorOf(res));
    res.locals.audit = { target: { type: 'validation', id: draft.validationId }, details: { object: draft.object ?? '', operation: draft.operation } };
    res.redirect(303, draftUrl(draft._id, 'validate'));
  });

  router.post('/drafts/:id/template', async (req, res) => {
    const draft = await getDraft(services, req.params.id);
    const template = await saveDraftAsTemplate(services, draft, req.body, actorOf(res));
    res.locals.audit = savedTemplate(template);
    const step = DraftStep.catch('pipeline').parse((req.body as { step?: unknown }).step);
    res.redirect(303, `${draftUrl(draft._id, step)}?saved=${encodeURIComponent(`${template.name} v${template.version}`)}`);
  });

  // The run step's form carries its options: saved first, so the run gets exactly what the page showed.
  router.post('/drafts/:id/launch', async (req, res) => {
    const draft = await changeDraft(services, req.params.id, stepForm('run', req.body));
    const { startImpact } = await startFacts(services, draft);
    if (startImpact) assertConfirmed(req.body, startImpact);
    const dataset = await getDataset(services.store, draft.datasetId);
    const t = res.locals.t as (key: string, params: Record<string, string>) => string;
    const defaultName = t('flow.run.defaultName', { operation: t(`flow.op.${draft.operation}`, {}), object: draft.object ?? '', dataset: dataset.name });
    const migration = await runDraft(services, draft, actorOf(res), defaultName.slice(0, 200));
    res.locals.audit = createdMigration(migration);
    res.redirect(303, `/migrations/${encodeURIComponent(migration._id)}`);
  });

  router.post('/drafts/:id/:step', async (req, res) => {
    const step = DraftStep.parse(req.params.step);
    const form = stepForm(step, req.body);
    const { nav } = Nav.parse(req.body ?? {});
    const next = neighbour(step, 1);
    const changed = await changeDraft(services, req.params.id, form);
    const draft = step === 'pipeline' ? await mapColumnsAdded(services, changed) : changed;
    const problems = nav === 'next' ? refusal(draft, step) : [];
    if (problems.length > 0) return renderStep(services, res.status(422), draft, step, { problems });
    if (nav === 'next' && stepIndex(next) > stepIndex(draft.reached)) await changeDraft(services, draft._id, {}, { reached: next });
    res.redirect(303, draftUrl(draft._id, nav === 'next' ? next : nav === 'back' ? neighbour(step, -1) : step));
  });
  return router;
}
