import type { PipelineStep } from '../../../src/frame/index.js';
import { seededRandom } from '../../../src/salesforce-emulator/faults.js';

/*
 * Seeded datasets for the agreement test: every column a mapped field of a type the emulator checks,
 * each cell valid or not by a roll of the dice, pipelines whose steps meet bad values (on mapped and
 * unmapped columns, onInvalid 'fail' and 'null'), repeated external ids, parents by external id.
 * Rows whose verdict needs the org's data are otherwise valid and listed in `orgDependent`.
 */
export type Cell = string | null;

/** Records the org holds before the runs (parents by id and by external id, a record of another object). */
export interface OrgFixture { parentIds: string[]; parentKeys: string[]; contactId: string }

export interface Scenario {
  object: 'Account' | 'Contact';
  operation: 'insert' | 'upsert';
  externalIdField?: string;
  columns: string[];
  rows: Cell[][];
  pipeline: PipelineStep[];
  mapping: { object: string; fields: { column: string; field: string }[]; relationships: Relationship[] };
  /** Row -> what the run answers where the dry run cannot know (it calls them valid). */
  orgDependent: Map<number, { code: string; why: string }>;
}

interface Relationship { column: string; field: string; relationshipName: string; externalIdField: string }

/**
 * A source column: what a valid and an invalid cell look like for the pipeline this scenario rolled;
 * `field` when mapped, read from `mappedAs` when a step renames or derives it.
 */
interface Column { name: string; field?: string; mappedAs?: string; valid: (row: number) => Cell; invalid: Cell[] }

export class Dice {
  private readonly next: () => number;
  constructor(seed: number) { this.next = seededRandom(seed); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(list: readonly T[]): T { return list[Math.floor(this.next() * list.length)]; }
  int(n: number): number { return Math.floor(this.next() * n); }
}

const BAD_CELL = 0.06;
const ORG_DEPENDENT = 0.04;
const onInvalid = (dice: Dice) => dice.pick(['fail', 'null'] as const);
const upperOrLower = (dice: Dice, text: string) => (dice.chance(0.5) ? text.toLowerCase() : text.toUpperCase());

/** Columns every scenario has: the external id (upsert key), phone-like text, an unmapped column cast to number. */
function commonColumns(dice: Dice, tag: string, pipeline: PipelineStep[]): Column[] {
  pipeline.push({ op: 'cast', columns: ['notes'], to: 'number', onInvalid: onInvalid(dice) });
  return [
    { name: 'ext', field: 'External_Id__c', valid: (row) => `${tag}-${row}`, invalid: [null, 'X'.repeat(81)] },
    { name: 'notes', valid: () => dice.pick(['1', '2.5', null]), invalid: ['n/a', 'soon'] },
  ];
}

function accountColumns(dice: Dice, org: OrgFixture, pipeline: PipelineStep[]): Column[] {
  const columns: Column[] = [
    { name: 'name', field: 'Name', valid: (row) => `Account ${row}, "quoted"`, invalid: [null, 'N'.repeat(256), '#N/A'] },
    { name: 'revenue', field: 'AnnualRevenue', valid: () => dice.pick(['1000', '12.7', '-5', '#N/A']), invalid: ['1e18', 'x'] },
    { name: 'phone', field: 'Phone', valid: () => dice.pick(['+1 555 0100', null]), invalid: ['1'.repeat(41)] },
    { name: 'website', field: 'Website', valid: () => dice.pick(['example.com', 'not a url']), invalid: ['w'.repeat(256)] },
    {
      name: 'sync', field: 'Last_Sync__c', valid: () => dice.pick(['2024-03-01T10:00:00Z', '2024-03-01', '2024-03-01T10:00:00+0200']),
      invalid: ['2024-03-01T25:00:00Z', 'yesterday', '2024-02-30T00:00:00Z'],
    },
    {
      name: 'parent', field: 'ParentId', valid: () => dice.pick([dice.pick(org.parentIds), dice.pick(org.parentIds).slice(0, 15), null]),
      invalid: ['001xx', `${org.parentIds[0].slice(0, 15)}ZZZ`, org.contactId, 'a99000000000001AAA'],
    },
  ];
  const cast = (name: string, step: Omit<Extract<PipelineStep, { op: 'cast' }>, 'op' | 'columns'>) =>
    pipeline.push({ op: 'cast', columns: [name], ...step, onInvalid: onInvalid(dice) });
  if (dice.chance(0.5)) {
    cast('employees', { to: 'integer' });
    columns.push({ name: 'employees', field: 'NumberOfEmployees', valid: () => dice.pick(['12', '  7 ', '1e3', null]), invalid: ['1.5', 'abc', '123456789'] });
  } else {
    columns.push({ name: 'employees', field: 'NumberOfEmployees', valid: () => dice.pick(['12', '  7 ', '1e3', '#N/A']), invalid: ['1.5', 'abc', '123456789'] });
  }
  if (dice.chance(0.5)) {
    cast('discount', { to: 'number', decimalSeparator: ',' });
    columns.push({ name: 'discount', field: 'Discount__c', valid: () => dice.pick(['12,5', '0,125', '999,99']), invalid: ['999,995', '1000', 'abc'] });
  } else {
    columns.push({ name: 'discount', field: 'Discount__c', valid: () => dice.pick(['12.5', '0.125', '999.99']), invalid: ['999.995', '1000', '12,5'] });
  }
  if (dice.chance(0.5)) {
    cast('sla', { to: 'date', order: 'DMY' });
    pipeline.push({ op: 'rename', mapping: { sla: 'SLA date' } });
    columns.push({
      name: 'sla', field: 'SLAExpirationDate__c', mappedAs: 'SLA date', valid: () => dice.pick(['31/01/2025', '29/02/2024', '2025-01-31']),
      invalid: ['31/02/2025', 'soon'],
    });
  } else {
    columns.push({ name: 'sla', field: 'SLAExpirationDate__c', valid: () => dice.pick(['2025-01-31', '2025-01-31T10:00:00Z', ' 2024-02-29']), invalid: ['2023-02-29', '31/01/2025'] });
  }
  if (dice.chance(0.5)) {
    cast('active', { to: 'boolean' });
    columns.push({ name: 'active', field: 'Active__c', valid: () => dice.pick(['Y', 'no', 'TRUE', '1']), invalid: ['maybe'] });
  } else {
    columns.push({ name: 'active', field: 'Active__c', valid: () => dice.pick(['true', '0', 'yes', ' No ']), invalid: ['maybe', '2', 'Y'] });
  }
  if (dice.chance(0.5)) {
    pipeline.push({ op: 'valueMap', columns: ['priority'], map: { H: 'High', L: 'Low', M: 'Medium' }, caseInsensitive: true, otherwise: 'null', onInvalid: onInvalid(dice) });
    columns.push({ name: 'priority', field: 'Customer_Priority__c', valid: () => dice.pick(['H', 'l', 'M', null]), invalid: ['X'] });
  } else {
    columns.push({ name: 'priority', field: 'Customer_Priority__c', valid: () => dice.pick(['High', 'Low', 'Medium']), invalid: ['high', 'Urgent'] });
  }
  if (dice.chance(0.5)) {
    pipeline.push({ op: 'derive', column: 'locations x1', expression: 'locations * 1', onInvalid: onInvalid(dice) });
    columns.push({
      name: 'locations', field: 'NumberofLocations__c', mappedAs: 'locations x1', valid: () => dice.pick(['999', '12', '999.4', null]),
      invalid: ['999.5', '1000', 'abc'],
    });
  } else {
    columns.push({ name: 'locations', field: 'NumberofLocations__c', valid: () => dice.pick(['999', '12', '999.4']), invalid: ['999.5', '1000', 'abc'] });
  }
  return columns;
}

function contactColumns(dice: Dice, org: OrgFixture, pipeline: PipelineStep[]): Column[] {
  pipeline.push({ op: 'trim', columns: ['last'] }, { op: 'cast', columns: ['born'], to: 'date', order: 'DMY', onInvalid: onInvalid(dice) });
  const castDnc = dice.chance(0.5);
  if (castDnc) pipeline.push({ op: 'cast', columns: ['dnc'], to: 'boolean', onInvalid: onInvalid(dice) });
  return [
    { name: 'last', field: 'LastName', valid: (row) => dice.pick([`Last ${row}`, `  Doe ${row} `]), invalid: [null, 'L'.repeat(81), '   '] },
    { name: 'first', field: 'FirstName', valid: () => dice.pick(['Ann', 'Zoë', null]), invalid: ['F'.repeat(41)] },
    {
      name: 'email', field: 'Email', valid: (row) => dice.pick([`p${row}@example.com`, null]),
      invalid: ['not-an-email', 'bad@', 'a@b', `${'e'.repeat(70)}@example.com`],
    },
    { name: 'level', field: 'Level__c', valid: () => dice.pick(['Primary', 'Secondary', 'Tertiary', null]), invalid: ['primary', 'Boss'] },
    { name: 'born', field: 'Birthdate', valid: () => dice.pick(['06/05/1990', '1990-05-06', null]), invalid: ['31/02/1990', 'soon'] },
    { name: 'mobile', field: 'MobilePhone', valid: () => '+44 20 7946 0000', invalid: ['m'.repeat(41)] },
    { name: 'dnc', field: 'DoNotCall', valid: () => dice.pick(castDnc ? ['Y', 'off'] : ['true', 'no']), invalid: castDnc ? ['perhaps'] : ['Y', 'perhaps'] },
    { name: 'account', valid: () => dice.pick([dice.pick(org.parentKeys), upperOrLower(dice, dice.pick(org.parentKeys)), null]), invalid: [] },
  ];
}

/** One scenario: `rows` rows of `object` for `operation`, every key prefixed with `tag` (unique per run). */
export function generateScenario(seed: number, object: Scenario['object'], operation: Scenario['operation'], tag: string, org: OrgFixture, rows: number): Scenario {
  const dice = new Dice(seed);
  const pipeline: PipelineStep[] = [];
  const specific = object === 'Account' ? accountColumns(dice, org, pipeline) : contactColumns(dice, org, pipeline);
  const columns = [...commonColumns(dice, tag, pipeline), ...specific];
  const orgDependent = new Map<number, { code: string; why: string }>();
  const keys: { row: number; key: string }[] = [];
  const data: Cell[][] = [];
  for (let row = 1; row <= rows; row++) {
    const clean = row > 1 && dice.chance(ORG_DEPENDENT);
    const cells = columns.map((c) => (!clean && c.invalid.length > 0 && dice.chance(BAD_CELL) ? dice.pick(c.invalid) : c.valid(row)));
    const ext = columns.findIndex((c) => c.name === 'ext');
    if (clean) {
      if (object === 'Account') {
        cells[columns.findIndex((c) => c.name === 'parent')] = `001${String(900_000_000 + row).padStart(12, '0')}`;
        orgDependent.set(row, { code: 'INVALID_CROSS_REFERENCE_KEY', why: 'a well-formed lookup id of no record' });
      } else {
        cells[columns.findIndex((c) => c.name === 'account')] = `${tag}-NO-PARENT-${row}`;
        orgDependent.set(row, { code: 'INVALID_FIELD', why: 'a parent external id that matches no Account' });
      }
    } else if (keys.length > 0 && dice.chance(BAD_CELL)) {
      // A key repeated in another case: an org compares external ids case-insensitively.
      cells[ext] = upperOrLower(dice, dice.pick(keys).key);
    } else if (cells[ext] !== null) {
      keys.push({ row, key: String(cells[ext]) });
    }
    data.push(cells);
  }
  const mapped = columns.flatMap((c) => (c.field ? [{ column: c.mappedAs ?? c.name, field: c.field }] : []));
  const relationships = object === 'Contact' ? [{ column: 'account', field: 'AccountId', relationshipName: 'Account', externalIdField: 'External_Id__c' }] : [];
  return {
    object, operation, externalIdField: operation === 'upsert' ? 'External_Id__c' : undefined,
    columns: columns.map((c) => c.name), rows: data, pipeline, mapping: { object, fields: mapped, relationships }, orgDependent,
  };
}
