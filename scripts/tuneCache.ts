// How the document cache's weights (model/mixture.ts) were chosen: on the development tenth of
// a corpus's training files (never its held-out files), with the workspace level made of the
// other training files, the weights β_k = (a · (u − 1) + b) · (3 / k)^γ of the document and workspace
// levels are searched coordinate by coordinate for the lowest bits/char. The LSTM's
// probabilities and the counts' statistics are computed once; each try then costs milliseconds.
// Prints the weights and bits/char found (and with the document level alone), as one JSON line.
//   usage: npm run tune:cache -- MODEL DIR [--chars 300000]

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { workspaceCounts } from '../src/complete/documentCounts';
import { readContext } from '../src/model/inference';
import { DOCUMENT_WEIGHT, WORKSPACE_WEIGHT } from '../src/model/mixture';
import { modelFromCheckpoint } from '../src/model/model';
import { contextFingerprints, countReadOn, DOCUMENT_COUNTS_LOG2, NGRAM_ORDERS, NgramCounts } from '../src/model/ngramCounts';
import { loadCheckpointFile } from '../src/files/checkpointFile';
import { isDevelopment, readCorpus } from '../src/files/corpus';
import { Arena } from '../src/model/arena';
import { simdBuild } from '../src/util/simdKernels';

const K = NGRAM_ORDERS.length;

async function main(): Promise<void> {
  const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { chars: { type: 'string', default: '300000' } } });
  const [modelFile, dir] = positionals;
  const model = modelFromCheckpoint(loadCheckpointFile(modelFile), Arena.create(simdBuild(path.resolve(__dirname, '..', 'dist')))), V = model.config.vocab;
  const corpus = await readCorpus(dir);
  const dev = corpus.files.filter((f) => !f.heldOut && isDevelopment(f.path));
  const workspace = workspaceCounts(model.vocabulary, corpus.files.filter((f) => !f.heldOut && !isDevelopment(f.path)).map((f) => f.text));

  // Per scored character: the LSTM's probability of it, and per level and order (n, u, n(x)) until the first unseen context.
  const lstm: number[] = [], stats: Int32Array[] = [];
  const fps = new Uint32Array(K), ids8 = new Uint8Array(256), counts = new Uint32Array(256);
  const row = (table: NgramCounts, orders: number, target: number): Int32Array => {
    const out = new Int32Array(3 * K);
    for (let o = table.firstOrder; o < orders; o++) {
      const u = table.followers(fps[o], ids8, counts);
      if (u === 0) break;
      let n = 0, nx = 0;
      for (let f = 0; f < u; f++) {
        n += counts[f];
        if (ids8[f] === target) nx = counts[f];
      }
      out.set([n, u, nx], 3 * o);
    }
    return out;
  };
  let read = 0;
  for (const file of dev) {
    if (read >= Number(a.chars)) break;
    const ids = model.vocabulary.encode('\n' + file.text.slice(0, Number(a.chars) - read));
    const document = new NgramCounts(DOCUMENT_COUNTS_LOG2);
    readContext(model, ids.subarray(0, ids.length - 1), undefined, (acts, pos) => {
      for (let t = 0; t < acts.steps; t++) {
        const i = pos + t + 1, target = ids[i];
        let max = -Infinity, sum = 0;
        for (let v = 0; v < V; v++) max = Math.max(max, acts.logits[t * V + v]);
        for (let v = 0; v < V; v++) sum += Math.exp(acts.logits[t * V + v] - max);
        lstm.push(Math.exp(acts.logits[t * V + target] - max) / sum);
        const orders = contextFingerprints(ids, i, fps);
        const both = new Int32Array(6 * K);
        both.set(row(workspace, orders, target));
        both.set(row(document, orders, target), 3 * K);
        stats.push(both);
        countReadOn(document, ids, i);
      }
    });
    read += ids.length - 1;
  }

  // params: [a, b, γ] of the workspace level, then of the document level
  const firstOrders = [workspace.firstOrder, 0];
  const bpc = (params: number[]): number => {
    let nats = 0;
    for (let t = 0; t < lstm.length; t++) {
      let p = lstm[t];
      for (let level = 0; level < 2; level++) {
        const [pa, pb, gamma] = params.slice(3 * level, 3 * level + 3), s = stats[t];
        for (let o = firstOrders[level]; o < K; o++) {
          const n = s[3 * (level * K + o)];
          if (n === 0) break;
          const beta = (pa * (s[3 * (level * K + o) + 1] - 1) + pb) * Math.pow(NGRAM_ORDERS[0] / NGRAM_ORDERS[o], gamma);
          p = (s[3 * (level * K + o) + 2] + beta * p) / (n + beta);
        }
      }
      nats -= Math.log(p);
    }
    return nats / lstm.length / Math.LN2;
  };
  const weights = [WORKSPACE_WEIGHT, DOCUMENT_WEIGHT].flatMap((w) => [w.perFollower, w.base, w.orderDecay]); // start from today's
  let params = weights, best = bpc(params);
  const start = { lstm: bpc([0, 1e12, 0, 0, 1e12, 0]), start: best }; // counts that weigh nothing: the LSTM alone
  for (let improved = true; improved;) {
    improved = false;
    for (let i = 0; i < params.length; i++) {
      const additive = i % 3 === 2; // the order decays
      for (const step of additive ? [-0.25, 0.25] : [0.7, 1.4]) {
        const tried = params.map((x, j) => (j !== i ? x : additive ? Math.max(0, x + step) : x * step)), value = bpc(tried);
        if (value < best - 1e-5) [params, best, improved] = [tried, value, true];
      }
    }
  }
  const round = (x: number) => Math.round(x * 100) / 100, round4 = (x: number) => Math.round(x * 1e4) / 1e4;
  console.log(JSON.stringify({
    chars: lstm.length, bpc_lstm: round4(start.lstm), bpc_start: round4(start.start), bpc: round4(best), bpc_document_only: round4(bpc([0, 1e12, 0, ...params.slice(3)])),
    workspace: { perFollower: round(params[0]), base: round(params[1]), orderDecay: round(params[2]) },
    document: { perFollower: round(params[3]), base: round(params[4]), orderDecay: round(params[5]) },
  }));
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
