// The training worker thread's entry: wires TrainService to the parent port and says ready.
// Bundled as dist/trainWorker.js; the extension host starts it with worker_threads.

import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { simdBuild } from '../util/simdKernels';
import { TRAIN_PROTOCOL_VERSION } from '../protocol/trainProtocol';
import { TrainService } from './trainService';

const port = parentPort;
if (!port) throw new Error('trainWorker.js runs as a worker thread, started by the Cellscope extension');
// The host passes the extension's folder, where dist/simd.wasm is (tests from sources may not).
const root = (workerData as { root?: string } | undefined)?.root;
const distDir = root === undefined ? undefined : path.join(root, 'dist'), wasm = distDir && simdBuild(distDir);
const service = new TrainService((message) => port.postMessage(message), wasm && distDir ? { wasm, distDir } : undefined);
port.on('message', (message: unknown) => service.handle(message));
port.postMessage({ type: 'ready', protocolVersion: TRAIN_PROTOCOL_VERSION });
