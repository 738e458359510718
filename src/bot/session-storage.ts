import type { StorageAdapter } from "grammy";

/**
 * Session storage that writes only what changed. grammY writes a session back after every update
 * that read it, changed or not, and the search mode reads it on every private update: without this,
 * every message would cost a Redis SET. Reads remember the JSON they returned; a write of the same
 * JSON is skipped. A new chat's empty session is still written once (it marks a chat the bot knows).
 */
export class WriteOnChangeStorage<T extends object> implements StorageAdapter<T> {
  private readonly asStored = new WeakMap<object, string>();

  constructor(private readonly inner: StorageAdapter<T>) {}

  async read(key: string): Promise<T | undefined> {
    const value = await this.inner.read(key);
    if (typeof value === "object" && value !== null) this.asStored.set(value, JSON.stringify(value));
    return value;
  }

  async write(key: string, value: T): Promise<void> {
    const json = JSON.stringify(value);
    if (this.asStored.get(value) === json) return;
    await this.inner.write(key, value);
    this.asStored.set(value, json);
  }

  async delete(key: string): Promise<void> {
    await this.inner.delete(key);
  }
}
