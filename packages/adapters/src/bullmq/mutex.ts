/** Runs critical sections one at a time, in arrival order: an agent's head is touched by one effect at a time. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  run<R>(fn: () => Promise<R> | R): Promise<R> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
