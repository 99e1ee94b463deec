/// <reference lib="dom" />
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsforce from 'jsforce';
import type { Page } from 'playwright-core';
import { startStack, signedIn, shot, type Stack } from './support.js';

const tag = randomBytes(3).toString('hex');

async function localOrg(stack: Stack): Promise<jsforce.Connection> {
  const oauth2 = { loginUrl: stack.services.config.emulator.localOrgUrl, clientId: 'dms-local', clientSecret: 'dms-local-secret' };
  const conn = new jsforce.Connection({ oauth2, version: '62.0' });
  await conn.login('admin@local.org', 'password');
  return conn;
}

/** Contacts whose company is written by name, as a spreadsheet holds it: the run must find each Account's Id. */
function contactsCsv(dir: string): string {
  const file = join(dir, 'contacts-by-company.csv');
  writeFileSync(file, `Last Name,Company\nLook ${tag} 1,acme ${tag}\nLook ${tag} 2,Globex ${tag}\nLook ${tag} 3,Nobody ${tag}\n`);
  return file;
}

const next = (page: Page, url: RegExp) => Promise.all([page.waitForURL(url), page.click('#flow-next')]);

describe('a lookup step in the browser', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('company names -> Account Ids: parent and field picked from describe, the Id column mapped by itself, the unknown name fails its row', async () => {
    const conn = await localOrg(stack);
    const [acme, globex] = await conn.sobject('Account').create([{ Name: `Acme ${tag}` }, { Name: `Globex ${tag}` }] as never[]);
    const page = await signedIn(stack, 'operator');
    await page.goto(`${stack.url}/datasets/new`);
    await page.setInputFiles('#file-input', contactsCsv(mkdtempSync(join(tmpdir(), 'dms-e2e-lookup-'))));
    await page.click('#upload-button');
    await page.waitForSelector('#next-step a', { timeout: 30_000 });
    await Promise.all([page.waitForURL(/\/migrations\/new\?datasetId=/), page.click('#next-step a')]);
    await next(page, /\/target$/);
    await page.selectOption('#target-object', 'Contact');
    await page.check('input[name=operation][value=insert]');
    await next(page, /\/mapping$/);
    await next(page, /\/pipeline$/);

    await page.selectOption('#step-type', 'lookup');
    await page.click('#add-step');
    const step = 'fieldset.step[data-op="lookup"]';
    assert.match(await page.textContent(`${step} .step-status`) ?? '', /Not complete yet/);
    assert.equal(await page.locator(`${step} label[data-option="field"] select`).isDisabled(), true, 'the field waits for its object');
    await page.selectOption(`${step} label[data-option="column"] select`, 'Company');
    await page.selectOption(`${step} label[data-option="object"] select`, 'Account');
    assert.equal(await page.inputValue(`${step} label[data-option="into"] input`), 'AccountId', 'the lookup field pointing to Account');
    assert.match(await page.textContent(`${step} label[data-option="field"] option:nth-child(2)`) ?? '', /Account Name \(Name\)/);
    assert.match(await page.textContent(`${step} label[data-option="field"] small`) ?? '', /no match or several fail the row/);
    await page.selectOption(`${step} label[data-option="field"] select`, 'Name');
    // The preview asks the org: the Ids appear in the new column as the step is filled in.
    await page.waitForFunction((id) => document.getElementById('preview-table')?.textContent?.includes(id), String(acme.id), { timeout: 15_000 });
    assert.ok((await page.textContent('#preview-table'))?.includes(String(globex.id)));
    // Once saved, the Id column is mapped to AccountId by itself: the preview fails the unknown name as the run will.
    await page.waitForFunction(() => /3 rows shown, 1 with problems/.test(document.getElementById('preview-status')?.textContent ?? ''), undefined, { timeout: 15_000 });
    assert.match(await page.getAttribute('#preview-table td.invalid', 'title') ?? '', new RegExp(`LOOKUP_NOT_FOUND|no Account has Name 'Nobody ${tag}'`));
    await shot(page, 'lookup-1-step');

    await next(page, /\/validate$/);
    await Promise.all([page.waitForURL(/\/validate$/), page.click('#dry-run-form button')]);
    await page.waitForSelector('#totals', { timeout: 30_000 });
    assert.match(await page.textContent('#totals') ?? '', /3\s*Rows[\s\S]*2\s*Valid[\s\S]*1\s*Invalid/i);
    assert.match(await page.textContent('#examples') ?? '', new RegExp(`LOOKUP_NOT_FOUND[\\s\\S]*no Account has Name 'Nobody ${tag}' \\(column Company\\)`));
    await shot(page, 'lookup-2-validate');
    await next(page, /\/run$/);
    await Promise.all([page.waitForURL(/\/migrations\/mig-[^/?]+$/), page.click('#flow-next')]);
    await page.waitForFunction(() => document.getElementById('average-rate') !== null, undefined, { timeout: 60_000 });
    assert.equal(await page.textContent('[data-total="succeeded"]'), '2');
    assert.equal(await page.textContent('[data-total="failed"]'), '1');
    await shot(page, 'lookup-3-run');

    const written = await conn.query<{ LastName: string; AccountId: string }>(`SELECT LastName, AccountId FROM Contact WHERE LastName LIKE 'Look ${tag}%'`);
    const accountOf = Object.fromEntries(written.records.map((r) => [r.LastName, r.AccountId]));
    assert.deepEqual(accountOf, { [`Look ${tag} 1`]: acme.id, [`Look ${tag} 2`]: globex.id });
    await page.context().close();
  });
});
