// One training of a model file at a time: two VS Code windows on one workspace, or the CLI and
// the extension on one file, would otherwise each save over the other's run. The trainer holds
// MODEL.lock, naming its process, from before it reads the model until it has saved its last
// checkpoint; a lock whose process is gone (a crash, a kill) is stale and taken over.

import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Checkpoint } from '../model/checkpoint';
import { UserError } from '../util/userError';
import { checkWritable, isRunning, saveCheckpointFile } from './checkpointFile';

/** The model is being trained elsewhere. */
export class ModelBusyError extends UserError {
  override name = 'ModelBusyError';
}

interface Holder {
  pid: number;
  host: string;
  since: string; // ISO time
}

export class ModelLock {
  private constructor(private readonly file: string) {}

  /** Takes `model`'s lock (its folder must exist: checkWritable makes it); throws ModelBusyError while a live process holds it. */
  static acquire(model: string): ModelLock {
    const file = `${model}.lock`, me: Holder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
        return new ModelLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(file);
      // Another machine's process (a shared folder) cannot be checked: its lock stands. This
      // process's own is a training thread's that was stopped (each process runs one training
      // of a model: the training worker refuses a second).
      if (holder && holder.pid !== process.pid && (holder.host !== me.host || isRunning(holder.pid))) {
        throw new ModelBusyError(`${model} is being trained by another Cellscope (process ${holder.pid} on ${holder.host}, since ${holder.since}); stop that training first, or train another model file.`);
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
    throw new ModelBusyError(`${model}: another Cellscope keeps taking its lock (${file}); stop the other training first.`);
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }

  /**
   * Removes `model`'s lock if this process holds it: for the host once its training thread is
   * gone, which may have died holding it (its process lives on, so other processes would take
   * the lock for a live training).
   */
  static releaseIfHeldHere(model: string): void {
    const file = `${model}.lock`, holder = readHolder(file);
    if (holder?.pid === process.pid && holder.host === os.hostname()) fs.rmSync(file, { force: true });
  }
}

/** Saves `cp` as `model` under its lock: refused while a training holds it, which would save over it. */
export function replaceModelFile(model: string, cp: Checkpoint): void {
  checkWritable(model); // and makes its folder, where the lock goes
  const lock = ModelLock.acquire(model);
  try {
    saveCheckpointFile(model, cp);
  } finally {
    lock.release();
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined; // half-written or removed meanwhile: treated as stale
  }
}
