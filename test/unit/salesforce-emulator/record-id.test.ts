import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { idSuffix, isValidId, keyPrefixOf, makeId, toId15, toId18 } from '../../../src/salesforce/record-id.js';

describe('record ids', () => {
  test('15 -> 18 examples of the reference', () => {
    assert.equal(toId18('00300000003T2PG'), '00300000003T2PGAA0');
    assert.equal(toId18('001xx000003DGb2'), '001xx000003DGb2AAG');
    assert.equal(toId18('001A0000006Vm9r'), '001A0000006Vm9rIAC');
    assert.equal(idSuffix('001000000000001'), 'AAA');
  });

  test('18-character ids are case-insensitive and restore the case', () => {
    assert.equal(toId18('001a0000006vm9rIAC'), '001A0000006Vm9rIAC');
    assert.equal(toId18('001A0000006VM9RIAC'), '001A0000006Vm9rIAC');
    assert.equal(toId18('001a0000006vm9riac'), '001A0000006Vm9rIAC');
    assert.equal(toId15('001A0000006Vm9rIAC'), '001A0000006Vm9r');
  });

  test('rejects what is not an id', () => {
    for (const bad of ['', '001', '001A0000006Vm9r!', '001A0000006Vm9rIA', '001A0000006Vm9rZZZ', '0010000000000019AA']) {
      assert.equal(isValidId(bad), false, bad);
    }
    assert.equal(isValidId('00300000003T2PG'), true);
  });

  test('makeId builds valid ids with the key prefix', () => {
    const seen = new Set<string>();
    for (let n = 1; n < 2000; n += 7) {
      const id = makeId('003', n, 'Ab9');
      assert.equal(id.length, 18);
      assert.equal(keyPrefixOf(id), '003');
      assert.equal(toId18(id), id);
      seen.add(id);
    }
    assert.equal(seen.size, 286);
    assert.throws(() => makeId('0x', 1));
  });
});
