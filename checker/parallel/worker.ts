/**
 * A worker thread of the parallel explorer: builds its own model from the spec, then on
 * every `go` claims and expands chunks of the level until none is left, posting each
 * chunk's result, and reports `idle`.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Expander } from './expand.js';
import { isGoMessage, isWorkerSetup, oneLine, type FromWorker, type GoMessage, type WorkerSetup } from './protocol.js';
import { loadModel } from './spec.js';

function requirePort(): MessagePort {
  if (parentPort === null) throw new Error('worker.js must run in a worker thread');
  return parentPort;
}

const port = requirePort();
const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

async function main(setup: WorkerSetup): Promise<void> {
  const model = await loadModel<unknown, unknown>({ module: setup.module, args: setup.args });
  const expander = new Expander(model, setup.symmetry);
  const run = (go: GoMessage): void => {
    expander.attach(go.buffers, go.plan);
    for (let claim = expander.claim(); claim !== null; claim = expander.claim()) {
      const r = expander.runChunk(claim);
      if (r === null) {
        post({ type: 'failed', start: claim.start });
        break;
      }
      post({ type: 'chunk', result: r }, [r.deg.buffer, r.fin.buffer, r.codes.buffer, r.bad.buffer]);
    }
    post({ type: 'idle' });
  };
  port.on('message', (m: unknown) => {
    if (!isGoMessage(m)) return;
    try {
      run(m);
    } catch (err) {
      post({ type: 'error', message: oneLine(err) });
    }
  });
  post({ type: 'ready', name: model.name, stateWords: model.stateWords, invariants: model.invariants.map((i) => i.name) });
}

if (isWorkerSetup(workerData)) {
  main(workerData).catch((err: unknown) => post({ type: 'error', message: oneLine(err) }));
} else {
  post({ type: 'error', message: 'worker started without a model spec' });
}
