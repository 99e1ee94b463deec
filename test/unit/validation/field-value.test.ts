import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isNumberText } from '../../../src/validation/field-value.js';

/** The pattern the scan stands for (Salesforce's number text, as the Local org reads it). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function* texts(prefix: string, depth: number, alphabet: string[]): Generator<string> {
  yield prefix;
  if (depth > 0) for (const c of alphabet) yield* texts(prefix + c, depth - 1, alphabet);
}

describe('isNumberText', () => {
  test('says what the number pattern says of every text up to 5 characters of digits, signs, dots, exponents and others', () => {
    const alphabet = ['0', '9', '.', '+', '-', 'e', 'E', ' ', 'x', '٣'];
    for (const text of texts('', 5, alphabet)) assert.equal(isNumberText(text), NUMBER.test(text), JSON.stringify(text));
  });
  test('longer numbers', () => {
    for (const text of ['1234567890.0987654321', '-.5e-10', '+1.E+300', '00012', '1e', '1e+', '.e1', '1.2.3', '12 ']) {
      assert.equal(isNumberText(text), NUMBER.test(text), text);
    }
  });
});
