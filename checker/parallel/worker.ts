/**
 * A worker thread of the parallel explorer: builds its own model from the spec (a prestarted
 * worker, prestart.ts: imports the model module at once and builds the model when its setup
 * message comes), then on every `go` claims and expands chunks of the level until none is
 * left, posting each chunk's result, and reports `idle`.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Model } from '../model.js';
import { Expander } from './expand.js';
import { int32View } from './level-store.js';
import {
  isGoMessage,
  isGrowMessage,
  isSetupMessage,
  isWorkerPrestart,
  isWorkerSetup,
  oneLine,
  type FromWorker,
  type GoMessage,
  type GrowMessage,
  type WorkerPrestart,
  type WorkerSetup,
} from './protocol.js';
import { SharedTable } from './shared-table.js';
import { buildFrom, importModelModule, loadModel } from './spec.js';

function requirePort(): MessagePort {
  if (parentPort === null) throw new Error('worker.js must run in a worker thread');
  return parentPort;
}

const port = requirePort();
const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

async function main(setup: WorkerSetup): Promise<void> {
  serve(await loadModel<unknown, unknown>({ module: setup.module, args: setup.args }), setup.symmetry);
}

/**
 * A prestarted worker (prestart.ts): imports the model module at once, then builds the model
 * from the arguments of the first message (a SetupMessage).
 */
async function prestarted(data: WorkerPrestart): Promise<void> {
  const create = importModelModule(data.module);
  // Rejected only once the setup has come (an unhandled rejection would end the worker first).
  create.catch(() => {});
  const setup = await new Promise<unknown>((resolve) => port.once('message', resolve));
  if (!isSetupMessage(setup)) throw new Error('prestarted worker: the first message is not its setup');
  serve(buildFrom<unknown, unknown>(await create, { module: data.module, args: setup.args }), setup.symmetry);
}

/** Serves `go` and `grow` messages with this model. */
function serve(model: Model<unknown, unknown>, symmetry: boolean): void {
  const expander = new Expander(model, symmetry);
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
    // The table's counts are read once every thread is idle: exact by then.
    expander.settle();
    post({ type: 'idle' });
  };
  const grow = (m: GrowMessage): void => {
    const table = new SharedTable(m.table);
    const slot = int32View(m.slot);
    for (let j = 0; j < m.segments.length; j += 2) {
      table.growSegment(m.segments[j], m.segments[j + 1], (value, to) => {
        slot[-value - 2] = to;
      });
    }
    post({ type: 'idle' });
  };
  port.on('message', (m: unknown) => {
    try {
      if (isGoMessage(m)) run(m);
      else if (isGrowMessage(m)) grow(m);
    } catch (err) {
      post({ type: 'error', message: oneLine(err) });
    }
  });
  post({ type: 'ready', name: model.name, stateWords: model.stateWords, invariants: model.invariants.map((i) => i.name) });
}

if (isWorkerSetup(workerData)) {
  main(workerData).catch((err: unknown) => post({ type: 'error', message: oneLine(err) }));
} else if (isWorkerPrestart(workerData)) {
  prestarted(workerData).catch((err: unknown) => post({ type: 'error', message: oneLine(err) }));
} else {
  post({ type: 'error', message: 'worker started without a model spec' });
}
