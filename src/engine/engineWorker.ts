// The engine worker thread's entry: wires EngineService to the parent port and says ready.
// Bundled as dist/engineWorker.js; the extension host starts it with worker_threads.

import { parentPort, workerData } from 'node:worker_threads';
import * as path from 'node:path';
import { bundledAssets } from '../inspect/syntaxLabels';
import { simdBuild } from '../util/simdKernels';
import { ENGINE_PROTOCOL_VERSION } from '../protocol/engineProtocol';
import { EngineService } from './engineService';

const port = parentPort;
if (!port) throw new Error('engineWorker.js runs as a worker thread, started by the Cellscope extension');
// The host passes the extension's folder, where the kernels, grammars and queries are.
const { root } = workerData as { root: string };
const dist = path.join(root, 'dist');
const wasm = simdBuild(dist);
const service = new EngineService((message) => port.postMessage(message), bundledAssets(root), wasm && { wasm, distDir: dist });
port.on('message', (message: unknown) => service.handle(message));
port.postMessage({ type: 'ready', protocolVersion: ENGINE_PROTOCOL_VERSION });
