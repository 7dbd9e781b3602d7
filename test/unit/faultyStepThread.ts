// A step helper that goes wrong at its first job, as CELLSCOPE_FAULT says: it throws, never
// answers, or exits. For stepHelper.test.ts, which starts it in place of dist/engineStep.js.

import { workerData } from 'node:worker_threads';
import { Arena } from '../../src/model/arena';
import { serveJobs, type ChannelSetup } from '../../src/threads/atomicsChannel';

const setup = workerData as ChannelSetup;
serveJobs(Arena.simd(setup.share.wasm, setup.share.memory), setup, 'faulty step helper', () => {
  const fault = process.env.CELLSCOPE_FAULT;
  if (fault === 'throws') throw new Error('a fault injected by the test');
  if (fault === 'exits') process.exit(3);
  for (;;); // never answers
});
