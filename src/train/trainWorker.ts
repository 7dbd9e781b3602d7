// The training worker thread's entry: wires TrainService to the parent port and says ready.
// Bundled as dist/trainWorker.js; the extension host starts it with worker_threads.

import { parentPort } from 'node:worker_threads';
import { TRAIN_PROTOCOL_VERSION, type HostToTrainWorker } from '../protocol/trainProtocol';
import { TrainService } from './trainService';

const port = parentPort;
if (!port) throw new Error('trainWorker.js runs as a worker thread, started by the Cellscope extension');
const service = new TrainService((message) => port.postMessage(message));
port.on('message', (message: HostToTrainWorker) => service.handle(message));
port.postMessage({ type: 'ready', protocolVersion: TRAIN_PROTOCOL_VERSION });
