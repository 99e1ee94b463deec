import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Gauge, Registry } from 'prom-client';
import { standardNaN } from '../../../src/metrics/exposition.js';
import { parsePrometheus } from '../../support/prometheus.js';

describe('standardNaN', () => {
  test("a NaN sample as prom-client writes it reads as the exposition format's NaN; nothing else changes", async () => {
    const registry = new Registry();
    new Gauge({ name: 'lag_mean_seconds', help: 'no measurement yet', registers: [registry] }).set(Number.NaN);
    new Gauge({ name: 'named_Nan', help: 'a name that ends like it', labelNames: ['who'], registers: [registry] }).set({ who: 'x Nan' }, 1);
    const text = await registry.metrics();
    assert.match(text, /^lag_mean_seconds Nan$/m, 'prom-client spells it Nan');
    const samples = parsePrometheus(standardNaN(text));
    assert.ok(Number.isNaN(samples.find((s) => s.name === 'lag_mean_seconds')?.value));
    assert.deepEqual(samples.find((s) => s.name === 'named_Nan'), { name: 'named_Nan', labels: { who: 'x Nan' }, value: 1 });
  });
});
