// Checkpoints on disk. Writes are atomic: the bytes go to a temporary file in the same folder,
// are flushed, and replace the old file by rename, so a crash or Ctrl-C mid-write leaves the
// previous checkpoint or the new one, never a torn file (and its temporary file, which the
// next save removes).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ARENA_MAX_BYTES } from '../model/arena';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../model/checkpoint';
import { UserError } from '../util/userError';
import { readRegularFile } from './regularFile';

/** The model cannot be written where asked (the file it would replace, if any, is untouched). */
export class ModelSaveError extends UserError {
  override name = 'ModelSaveError';
}

export function saveCheckpointFile(file: string, cp: Checkpoint): void {
  writeAtomically(file, encodeCheckpoint(cp));
  removeStaleTemporaries(file);
}

/** Throws when a save to `file` would fail, before hours of training are spent on it. */
export function checkWritable(file: string): void {
  const probe = `${file}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(probe, '');
    fs.unlinkSync(probe);
  } catch (err) {
    throw new ModelSaveError(`${file}: the model cannot be saved there (${(err as Error).message}). Make the folder writable, or choose another.`);
  }
}

function writeAtomically(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written, or it cannot be removed: the error below is what matters
    }
    throw new ModelSaveError(`${file}: could not save the model (${(err as Error).message}). The previous file, if any, is unchanged.`);
  }
}

/** Removes `file`'s temporary files left by processes that died mid-save. */
function removeStaleTemporaries(file: string): void {
  const prefix = `${path.basename(file)}.tmp-`;
  let names: string[] = [];
  try {
    names = fs.readdirSync(path.dirname(path.resolve(file)));
  } catch {
    // a folder we may write but not list: nothing to clean
  }
  for (const name of names) {
    const pid = Number(name.slice(prefix.length));
    if (!name.startsWith(prefix) || !Number.isInteger(pid) || isRunning(pid)) continue;
    fs.rmSync(path.join(path.dirname(path.resolve(file)), name), { force: true });
  }
}

/** Whether process `pid` is alive on this machine. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

// The largest model file worth opening: three slabs of the largest model the engine holds, and more.
const MAX_MODEL_BYTES = 2 * ARENA_MAX_BYTES;

/** Reads and checks a checkpoint. Throws CheckpointError, naming the file, for anything wrong. */
export function loadCheckpointFile(file: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(file, MAX_MODEL_BYTES);
  } catch (err) {
    throw new CheckpointError(`${file}: cannot read the model (${(err as Error).message}). Check the path, or train one with "cellscope train".`);
  }
  return decodeCheckpoint(bytes, file);
}
