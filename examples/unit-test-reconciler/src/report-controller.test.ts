import { createSimulation } from '@flotilla/testing';
import { expect, it } from 'vitest';
import { deployment, main } from './main.js';
import { createReportController } from './report-controller.js';

it('reports the ready pods of an annotated Deployment, and follows scaling', async () => {
  const sim = createSimulation({
    seed: 7,
    nodes: 2,
    extraControllers: (plane) => [createReportController(plane)],
  });
  await sim.start();
  const report = async () =>
    (await sim.client.resource('v1', 'ConfigMap').namespace('default').get('web-report')).data;
  await sim.apply([deployment(3)]);
  await sim.runUntilSettled();
  expect(await report()).toEqual({ ready: '3' });
  await sim.apply([deployment(1)]);
  await sim.runUntilSettled();
  expect(await report()).toEqual({ ready: '1' });
  await sim.stop();
});

it('runs the example', async () => {
  expect(await main(() => undefined)).toEqual(['3', '5', '1']);
});
