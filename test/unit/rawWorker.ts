// A worker thread driven without a client, as a hostile or broken host would: post anything,
// then wait for the reply to a request id.

import type { Worker } from 'node:worker_threads';

/** Collects `worker`'s messages; the returned function resolves with the reply to `id` (or throws after 30 s). */
export function repliesOf<M extends { type: string; id?: number }>(worker: Worker): (id: number) => Promise<Extract<M, { type: 'reply' }>> {
  const seen: M[] = [];
  worker.on('message', (m: M) => seen.push(m));
  return async (id) => {
    for (let waited = 0; waited < 30_000; waited += 10) {
      const r = seen.find((m) => m.type === 'reply' && m.id === id);
      if (r) return r as Extract<M, { type: 'reply' }>;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no reply to request ${id}`);
  };
}
