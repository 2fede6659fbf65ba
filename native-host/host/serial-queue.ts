/**
 * Runs tasks one after another. A PKCS#11 session allows one operation at a time, so all
 * work on one token goes through its queue.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#tail.then(task, task).finally(() => { this.#pending--; });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Nothing running or waiting. */
  get idle(): boolean {
    return this.#pending === 0;
  }
}
