// Checkpoints on disk. Writes are atomic: the bytes go to a temporary file in the same folder,
// are flushed, and replace the old file by rename, so a crash or Ctrl-C mid-write leaves the
// previous checkpoint or the new one, never a torn file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../model/checkpoint';

export function saveCheckpointFile(file: string, cp: Checkpoint): void {
  const bytes = encodeCheckpoint(cp);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
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
    throw new CheckpointError(`${file}: could not save the model (${(err as Error).message}). The previous file, if any, is unchanged.`);
  }
}

/** Reads and checks a checkpoint. Throws CheckpointError, naming the file, for anything wrong. */
export function loadCheckpointFile(file: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new CheckpointError(`${file}: cannot read the model (${reason}). Check the path, or train one with "cellscope train".`);
  }
  return decodeCheckpoint(bytes, file);
}
