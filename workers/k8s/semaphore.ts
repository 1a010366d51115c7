/**
 * A counting semaphore: at most `limit` holders at once, waiters served in arrival order.
 * Waiting is abortable, so work queued behind slow requests still ends at the deadline.
 */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  fail: (reason: unknown) => void;
}

export class Semaphore {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`semaphore limit must be >= 1, got ${limit}`);
  }

  /** Holders right now, and callers waiting: for tests and progress. */
  get stats(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.queue.length };
  }

  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      const onAbort = () => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        waiter.fail(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Runs `task` holding one permit. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // The permit passes straight to the next waiter: `active` stays the same.
      if (next) next.grant(this.releaser());
      else this.active--;
    };
  }
}
