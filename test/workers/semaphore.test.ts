import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../workers/k8s/semaphore.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('never lets more than the limit run at once', async () => {
    const sem = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      await tick();
      running--;
    };
    await Promise.all(Array.from({ length: 20 }, () => sem.run(task)));
    expect(peak).toBe(3);
    expect(sem.stats).toEqual({ active: 0, waiting: 0 });
  });

  it('serves waiters in arrival order', async () => {
    const sem = new Semaphore(1);
    const order: number[] = [];
    const first = await sem.acquire();
    const waiting = [1, 2, 3].map(async (n) => {
      const release = await sem.acquire();
      order.push(n);
      release();
    });
    expect(sem.stats).toEqual({ active: 1, waiting: 3 });
    first();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });

  it('releases a permit when a task fails', async () => {
    const sem = new Semaphore(1);
    await expect(sem.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(sem.stats).toEqual({ active: 0, waiting: 0 });
  });

  it('ignores a second release of the same permit', async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire();
    release();
    release();
    await sem.acquire();
    expect(sem.stats).toEqual({ active: 1, waiting: 0 });
  });

  it('drops an aborted waiter from the queue with the abort reason', async () => {
    const sem = new Semaphore(1);
    const held = await sem.acquire();
    const stop = new AbortController();
    const waiter = sem.acquire(stop.signal);
    const next = sem.acquire();
    stop.abort(new Error('deadline'));
    await expect(waiter).rejects.toThrow('deadline');
    expect(sem.stats).toEqual({ active: 1, waiting: 1 });
    held();
    const release = await next;
    release();
    expect(sem.stats).toEqual({ active: 0, waiting: 0 });
  });

  it('refuses at once when already aborted', async () => {
    const sem = new Semaphore(2);
    await expect(sem.acquire(AbortSignal.abort(new Error('late')))).rejects.toThrow('late');
    expect(sem.stats).toEqual({ active: 0, waiting: 0 });
  });

  it('rejects a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
