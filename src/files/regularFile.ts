// Reading a file that the user (or someone else) put in our way: only a regular file, and only
// up to a size. The checks are made on the open descriptor, so a name that is swapped for a
// FIFO, a device such as /dev/zero, a folder or a symlink to one between a check and the read
// is still refused; opening does not block on a FIFO (O_NONBLOCK), and at most `maxBytes`
// are read from a file that grows meanwhile.

import * as fs from 'node:fs';

/** Why a file was not read: `reason` is a few words for people. */
export class FileRefusal extends Error {
  override name = 'FileRefusal';
  constructor(readonly kind: 'missing' | 'special' | 'tooLarge' | 'unreadable', readonly reason: string) {
    super(reason);
  }
}

/** The bytes of `file`, when it is a regular file of at most `maxBytes`; throws FileRefusal otherwise. */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileRefusal('missing', 'no such file');
    throw new FileRefusal('unreadable', code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new FileRefusal('special', stat.isDirectory() ? 'a folder, not a file' : 'not a regular file (a device, FIFO or socket)');
    if (stat.size > maxBytes) throw new FileRefusal('tooLarge', `${stat.size.toLocaleString('en')} bytes, over the limit of ${maxBytes.toLocaleString('en')}`);
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    for (let n = 1; n > 0 && read < bytes.length; read += n) n = fs.readSync(fd, bytes, read, bytes.length - read, read);
    return bytes.subarray(0, read);
  } catch (err) {
    if (err instanceof FileRefusal) throw err;
    throw new FileRefusal('unreadable', (err as Error).message);
  } finally {
    fs.closeSync(fd);
  }
}
