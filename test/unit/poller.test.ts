import { describe, expect, it } from 'vitest';
import { Poller } from '../../src/services/background/poller.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the background poller (outbox and CSV imports)', () => {
  it('runs rounds one after the other while there is more, then waits for the interval or a wake-up', async () => {
    let left = 3;
    let rounds = 0;
    const poller = new Poller({
      name: 'test',
      warningType: 'TestWarning',
      intervalMs: 60_000,
      round: async () => {
        rounds++;
        if (left === 0) return false;
        left--;
        return true;
      },
    });
    poller.start();
    await poller.idle();
    expect(rounds).toBe(4);
    left = 1;
    poller.wake();
    await poller.idle();
    expect(rounds).toBe(6);
    await poller.stop();
  });

  it('reports a failed round, waits longer after each failure in a row, and back to the interval once a round succeeds', async () => {
    const errors: unknown[] = [];
    let failing = true;
    const poller = new Poller({
      name: 'test',
      warningType: 'TestWarning',
      intervalMs: 1_000,
      round: async () => {
        if (failing) throw new Error('Connection terminated');
        return false;
      },
      onError: (error) => errors.push(error),
    });
    expect(poller.nextDelay()).toBe(1_000);
    poller.start();
    await poller.idle();
    expect(errors).toHaveLength(1);
    expect(poller.nextDelay()).toBe(2_000);
    poller.wake();
    await poller.idle();
    expect(poller.nextDelay()).toBe(4_000);
    for (let i = 0; i < 6; i++) {
      poller.wake();
      await poller.idle();
    }
    expect(errors).toHaveLength(8);
    expect(poller.nextDelay()).toBe(30_000);
    failing = false;
    poller.wake();
    await poller.idle();
    expect(poller.nextDelay()).toBe(1_000);
    await poller.stop();
  });

  it('without onError, a failed round is a one-line process warning', async () => {
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    const poller = new Poller({
      name: 'Mail dispatcher',
      warningType: 'TestPollerWarning',
      intervalMs: 60_000,
      round: async () => {
        throw new Error('Connection terminated\nat somewhere');
      },
    });
    poller.start();
    await poller.idle();
    await poller.stop();
    await sleep(10);
    process.off('warning', listen);
    const ours = warnings.filter((w) => w.name === 'TestPollerWarning');
    expect(ours.map((w) => w.message)).toEqual(['Mail dispatcher: Connection terminated']);
  });

  it('stop waits for the round in flight, tells it to stop, and no round starts afterwards', async () => {
    let rounds = 0;
    let sawStop = false;
    const poller = new Poller({
      name: 'test',
      warningType: 'TestWarning',
      intervalMs: 5,
      round: async (stopping) => {
        rounds++;
        await sleep(50);
        sawStop = stopping();
        return true;
      },
    });
    poller.start();
    await sleep(10);
    const started = Date.now();
    await poller.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    expect(sawStop).toBe(true);
    const after = rounds;
    poller.wake();
    await sleep(30);
    expect(rounds).toBe(after);
  });
});
