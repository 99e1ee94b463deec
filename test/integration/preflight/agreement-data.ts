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

interface Relationship { column: string; field: string; relationshipName: string; externalIdField: string }

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

/**
 * A source column: valid and invalid cells for the pipeline this scenario rolled (a list to pick from,
 * or a cell per row); `field` when mapped, read from `mappedAs` when a step renames or derives it.
 */
interface Column {
  name: string;
  field?: string;
  mappedAs?: string;
  valid: Cell[] | ((row: number) => Cell);
  invalid: Cell[];
}

/** A column a step may convert: its cells in the step's input form with the step, as Salesforce reads them without it. */
interface Convertible {
  name: string;
  field: string;
  step: (onInvalid: 'fail' | 'null') => PipelineStep[];
  mappedAs?: string;
  withStep: Pick<Column, 'valid' | 'invalid'>;
  without: Pick<Column, 'valid' | 'invalid'>;
}

export class Dice {
  private readonly next: () => number;
  constructor(seed: number) { this.next = seededRandom(seed); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(list: readonly T[]): T { return list[Math.floor(this.next() * list.length)]; }
}

const BAD_CELL = 0.06;
const ORG_DEPENDENT = 0.04;
const flipCase = (dice: Dice, text: string) => (dice.chance(0.5) ? text.toLowerCase() : text.toUpperCase());
const onInvalid = (dice: Dice) => dice.pick(['fail', 'null'] as const);
const cast = (name: string, options: Record<string, unknown>) => (onInvalid: 'fail' | 'null') =>
  [{ op: 'cast', columns: [name], ...options, onInvalid } as PipelineStep];

const ACCOUNT_CONVERTIBLE: Convertible[] = [
  {
    name: 'employees', field: 'NumberOfEmployees', step: cast('employees', { to: 'integer' }),
    withStep: { valid: ['12', '  7 ', '1e3', null], invalid: ['1.5', 'abc', '123456789'] },
    without: { valid: ['12', '  7 ', '1e3', '#N/A'], invalid: ['1.5', 'abc', '123456789'] },
  },
  {
    name: 'discount', field: 'Discount__c', step: cast('discount', { to: 'number', decimalSeparator: ',' }),
    withStep: { valid: ['12,5', '0,125', '999,99'], invalid: ['999,995', '1000', 'abc'] },
    without: { valid: ['12.5', '0.125', '999.99'], invalid: ['999.995', '1000', '12,5'] },
  },
  {
    // Cast, then renamed: the issue must follow the column to the name the mapping reads.
    name: 'sla', field: 'SLAExpirationDate__c', mappedAs: 'SLA date',
    step: (onInvalid) => [
      ...cast('sla', { to: 'date', order: 'DMY' })(onInvalid),
      { op: 'rename', mapping: { sla: 'SLA date' } },
    ],
    withStep: { valid: ['31/01/2025', '29/02/2024', '2025-01-31'], invalid: ['31/02/2025', 'soon'] },
    without: { valid: ['2025-01-31', '2025-01-31T10:00:00Z', ' 2024-02-29'], invalid: ['2023-02-29', '31/01/2025'] },
  },
  {
    name: 'active', field: 'Active__c', step: cast('active', { to: 'boolean' }),
    withStep: { valid: ['Y', 'no', 'TRUE', '1'], invalid: ['maybe'] },
    without: { valid: ['true', '0', 'yes', ' No '], invalid: ['maybe', '2', 'Y'] },
  },
  {
    name: 'priority', field: 'Customer_Priority__c',
    step: (onInvalid) => [{
      op: 'valueMap', columns: ['priority'], map: { H: 'High', L: 'Low', M: 'Medium' }, caseInsensitive: true,
      otherwise: 'null', onInvalid,
    }],
    withStep: { valid: ['H', 'l', 'M', null], invalid: ['X'] },
    without: { valid: ['High', 'Low', 'Medium'], invalid: ['high', 'Urgent'] },
  },
  {
    name: 'locations', field: 'NumberofLocations__c', mappedAs: 'locations x1',
    step: (onInvalid) => [{ op: 'derive', column: 'locations x1', expression: 'locations * 1', onInvalid }],
    withStep: { valid: ['999', '12', '999.4', null], invalid: ['999.5', '1000', 'abc'] },
    without: { valid: ['999', '12', '999.4'], invalid: ['999.5', '1000', 'abc'] },
  },
];

function accountColumns(dice: Dice, org: OrgFixture, pipeline: PipelineStep[]): Column[] {
  const columns: Column[] = [
    {
      name: 'name', field: 'Name', valid: (row) => `Account ${row}, "quoted"`,
      invalid: [null, 'N'.repeat(256), '#N/A'],
    },
    { name: 'revenue', field: 'AnnualRevenue', valid: ['1000', '12.7', '-5', '#N/A'], invalid: ['1e18', 'x'] },
    { name: 'phone', field: 'Phone', valid: ['+1 555 0100', null], invalid: ['1'.repeat(41)] },
    { name: 'website', field: 'Website', valid: ['example.com', 'not a url'], invalid: ['w'.repeat(256)] },
    {
      name: 'sync', field: 'Last_Sync__c', valid: ['2024-03-01T10:00:00Z', '2024-03-01', '2024-03-01T10:00:00+0200'],
      invalid: ['2024-03-01T25:00:00Z', 'yesterday', '2024-02-30T00:00:00Z'],
    },
    {
      name: 'parent', field: 'ParentId', valid: [...org.parentIds, org.parentIds[0].slice(0, 15), null],
      invalid: ['001xx', `${org.parentIds[0].slice(0, 15)}ZZZ`, org.contactId, 'a99000000000001AAA'],
    },
  ];
  for (const c of ACCOUNT_CONVERTIBLE) {
    if (!dice.chance(0.5)) {
      columns.push({ name: c.name, field: c.field, ...c.without });
      continue;
    }
    pipeline.push(...c.step(onInvalid(dice)));
    columns.push({ name: c.name, field: c.field, mappedAs: c.mappedAs, ...c.withStep });
  }
  return columns;
}

function contactColumns(dice: Dice, org: OrgFixture, pipeline: PipelineStep[]): Column[] {
  pipeline.push({ op: 'trim', columns: ['last'] }, ...cast('born', { to: 'date', order: 'DMY' })(onInvalid(dice)));
  const castDnc = dice.chance(0.5);
  if (castDnc) pipeline.push(...cast('dnc', { to: 'boolean' })(onInvalid(dice)));
  return [
    {
      name: 'last', field: 'LastName', valid: (row) => dice.pick([`Last ${row}`, `  Doe ${row} `]),
      invalid: [null, 'L'.repeat(81), '   '],
    },
    { name: 'first', field: 'FirstName', valid: ['Ann', 'Zoë', null], invalid: ['F'.repeat(41)] },
    {
      name: 'email', field: 'Email', valid: (row) => dice.pick([`p${row}@example.com`, null]),
      invalid: ['not-an-email', 'bad@', 'a@b', `${'e'.repeat(70)}@example.com`],
    },
    { name: 'level', field: 'Level__c', valid: ['Primary', 'Secondary', 'Tertiary', null], invalid: ['primary', 'Boss'] },
    { name: 'born', field: 'Birthdate', valid: ['06/05/1990', '1990-05-06', null], invalid: ['31/02/1990', 'soon'] },
    { name: 'mobile', field: 'MobilePhone', valid: ['+44 20 7946 0000'], invalid: ['m'.repeat(41)] },
    castDnc
      ? { name: 'dnc', field: 'DoNotCall', valid: ['Y', 'off'], invalid: ['perhaps'] }
      : { name: 'dnc', field: 'DoNotCall', valid: ['true', 'no'], invalid: ['Y', 'perhaps'] },
    // Parent keys as stored and in another case (an org matches external ids case-insensitively).
    {
      name: 'account', valid: () => dice.pick([...org.parentKeys, flipCase(dice, dice.pick(org.parentKeys)), null]), invalid: [],
    },
  ];
}

/** A row otherwise valid whose verdict needs the org's data: the dry run says valid, the run answers this. */
function orgDependentCell(object: Scenario['object'], tag: string, row: number) {
  if (object === 'Account') {
    const cell = `001${String(900_000_000 + row).padStart(12, '0')}`;
    return { column: 'parent', cell, code: 'INVALID_CROSS_REFERENCE_KEY', why: 'a well-formed lookup id of no record' };
  }
  const why = 'a parent external id that matches no Account';
  return { column: 'account', cell: `${tag}-NO-PARENT-${row}`, code: 'INVALID_FIELD', why };
}

/** One scenario of `object` for `operation`: the tour, then `rows` random rows; every key prefixed with `tag` (unique per run). */
export function generateScenario(
  seed: number, object: Scenario['object'], operation: Scenario['operation'], tag: string, org: OrgFixture, rows: number,
): Scenario {
  const dice = new Dice(seed);
  const pipeline: PipelineStep[] = cast('notes', { to: 'number' })(onInvalid(dice));
  const columns: Column[] = [
    { name: 'ext', field: 'External_Id__c', valid: (row) => `${tag}-${row}`, invalid: [null, 'X'.repeat(81)] },
    // Never mapped: its cast issues must fail nothing.
    { name: 'notes', valid: ['1', '2.5', null], invalid: ['n/a', 'soon'] },
    ...(object === 'Account' ? accountColumns(dice, org, pipeline) : contactColumns(dice, org, pipeline)),
  ];
  const cellOf = (c: Column, row: number): Cell => (typeof c.valid === 'function' ? c.valid(row) : dice.pick(c.valid));
  const ext = columns.findIndex((c) => c.name === 'ext');
  const orgDependent = new Map<number, { code: string; why: string }>();
  const keys: string[] = [];
  const data: Cell[][] = [];
  // First a tour: each invalid cell once, alone in an otherwise valid row, so every kind is met; then random rows.
  const tour = columns.flatMap((c, at) => c.invalid.map((cell) => ({ at, cell })));
  for (let row = 1; row <= tour.length + rows; row++) {
    const planned = tour[row - 1];
    const clean = !planned && dice.chance(ORG_DEPENDENT);
    const bad = (c: Column) => !planned && !clean && c.invalid.length > 0 && dice.chance(BAD_CELL);
    const cells = columns.map((c) => (bad(c) ? dice.pick(c.invalid) : cellOf(c, row)));
    if (planned) cells[planned.at] = planned.cell;
    if (clean) {
      const { column, cell, code, why } = orgDependentCell(object, tag, row);
      cells[columns.findIndex((c) => c.name === column)] = cell;
      orgDependent.set(row, { code, why });
    } else if (!planned && keys.length > 0 && dice.chance(BAD_CELL)) {
      cells[ext] = flipCase(dice, dice.pick(keys)); // repeated in another case: an org compares keys case-insensitively
    } else if (cells[ext] !== null) {
      keys.push(String(cells[ext]));
    }
    data.push(cells);
  }
  const fields = columns.flatMap((c) => (c.field ? [{ column: c.mappedAs ?? c.name, field: c.field }] : []));
  const parent = { column: 'account', field: 'AccountId', relationshipName: 'Account', externalIdField: 'External_Id__c' };
  const mapping = { object, fields, relationships: object === 'Contact' ? [parent] : [] };
  const externalIdField = operation === 'upsert' ? 'External_Id__c' : undefined;
  const names = columns.map((c) => c.name);
  return { object, operation, externalIdField, columns: names, rows: data, pipeline, mapping, orgDependent };
}
