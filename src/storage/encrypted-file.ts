// Encrypted files on disk, written and read in pieces: the cipher works on one piece while the
// thread pool writes or reads the previous one, and no extra copy of the whole file is made
// (a 5 MB PDF once cost three whole copies on the way out and one on the way in, each on freshly
// mapped memory). The bytes are exactly encryptBytes' format: "LLE1" | key id | iv | ciphertext | tag.
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { BYTES_OVERHEAD, DecryptionError, BYTES_PREFIX, BYTES_TAG, keyIdOfBytes, openBytes, sealBytes, type Keyring } from "../privacy/cipher.js";

/** Small enough for malloc to reuse (no fresh pages per piece), large enough for few system calls. */
export const PIECE_BYTES = 256 * 1024;

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done);
    done += bytesWritten;
  }
}

async function readAll(handle: FileHandle, into: Buffer, position: number): Promise<Buffer> {
  for (let done = 0; done < into.length; ) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw Object.assign(new Error("file ended early"), { code: "ESHORTREAD" });
    done += bytesRead;
  }
  return into;
}

/** Creates `path` (which must not exist) holding `plain` encrypted under the keyring's current key. */
export async function writeEncryptedFile(path: string, keyring: Keyring, plain: Uint8Array): Promise<void> {
  const sealer = sealBytes(keyring);
  const handle = await open(path, "wx", 0o600);
  try {
    if (plain.byteLength <= PIECE_BYTES) {
      const body = sealer.update(plain);
      const tag = sealer.final();
      const parts = [sealer.header, body, tag];
      const { bytesWritten } = await handle.writev(parts);
      // writev may stop short like write: finish the rest the simple way.
      if (bytesWritten < BYTES_OVERHEAD + body.length) await writeAll(handle, Buffer.concat(parts).subarray(bytesWritten));
      return;
    }
    let writing = writeAll(handle, sealer.header);
    for (let offset = 0; offset < plain.byteLength; offset += PIECE_BYTES) {
      const piece = sealer.update(plain.subarray(offset, Math.min(plain.byteLength, offset + PIECE_BYTES)));
      await writing;
      writing = writeAll(handle, piece);
    }
    const tag = sealer.final();
    await writing;
    await writeAll(handle, tag);
  } finally {
    await handle.close();
  }
}

/**
 * The plain bytes of a stored file. A file without the "LLE1" header was written before
 * encryption and is returned as it is. Nothing decrypted leaves before the tag is checked:
 * a corrupted or tampered file throws DecryptionError.
 */
export async function readStoredFile(path: string, keyring: Keyring): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    return await readStoredHandle(handle, keyring);
  } finally {
    await handle.close();
  }
}

/** readStoredFile on a file already open: what it returns is that file, whatever is renamed over its path meanwhile. */
export async function readStoredHandle(handle: FileHandle, keyring: Keyring): Promise<Buffer> {
  const { size } = await handle.stat();
  const first = await readAll(handle, Buffer.allocUnsafe(Math.min(size, PIECE_BYTES)), 0);
  if (keyIdOfBytes(first) === undefined) {
    if (first.length === size) return first;
    const whole = Buffer.allocUnsafe(size);
    first.copy(whole);
    return await readAll(handle, whole.subarray(first.length), first.length).then(() => whole);
  }
  if (size < BYTES_OVERHEAD) throw new DecryptionError("encrypted value is truncated");
  const end = size - BYTES_TAG;
  const tag = end + BYTES_TAG <= first.length ? first.subarray(end) : await readAll(handle, Buffer.allocUnsafe(BYTES_TAG), end);
  const opener = openBytes(keyring, first.subarray(0, BYTES_PREFIX), tag);
  if (first.length === size) {
    const plain = opener.update(first.subarray(BYTES_PREFIX, end));
    opener.final();
    return plain;
  }
  const plain = Buffer.allocUnsafe(end - BYTES_PREFIX);
  let filled = opener.update(first.subarray(BYTES_PREFIX, Math.min(first.length, end))).copy(plain, 0);
  // Two buffers in turn: the next piece is read while this one is decrypted.
  const buffers: [Buffer, Buffer] = [first, Buffer.allocUnsafe(first.length)];
  let position = first.length;
  let turn: 0 | 1 = 1;
  let reading = position < end ? readAll(handle, buffers[turn].subarray(0, Math.min(PIECE_BYTES, end - position)), position) : undefined;
  try {
    while (reading) {
      const piece = await reading;
      position += piece.length;
      turn = turn === 0 ? 1 : 0;
      reading = position < end ? readAll(handle, buffers[turn].subarray(0, Math.min(PIECE_BYTES, end - position)), position) : undefined;
      filled += opener.update(piece).copy(plain, filled);
    }
  } finally {
    // Never leave a read running on a handle about to be closed.
    await reading?.catch(() => undefined);
  }
  opener.final();
  return plain;
}
