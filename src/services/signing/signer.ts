import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { signAssertion } from '../../openbadges/index.ts';

/** Below this many, a thread hop costs more than it saves. */
const THREAD_THRESHOLD = 64;
const BATCH_SIZE = 200;

/**
 * Signs assertions, spreading large batches over every core: an RS256
 * signature is the floor of a bulk award, and one core signs a few thousand
 * a second at best.
 */
export class AssertionSigner {
  private pool: Piscina | undefined;

  async sign(assertion: object, privateKeyPem: string): Promise<string> {
    return signAssertion(assertion, privateKeyPem);
  }

  async signMany(assertions: object[], privateKeyPem: string): Promise<string[]> {
    if (assertions.length < THREAD_THRESHOLD) {
      const out: string[] = [];
      for (const assertion of assertions) out.push(await signAssertion(assertion, privateKeyPem));
      return out;
    }
    const pool = (this.pool ??= new Piscina({
      filename: new URL('./worker.mjs', import.meta.url).href,
      maxThreads: Math.max(1, availableParallelism()),
      // Threads that sat idle a while go away: the server mostly signs one at a time.
      idleTimeout: 30_000,
    }));
    const batches: Promise<string[]>[] = [];
    for (let i = 0; i < assertions.length; i += BATCH_SIZE) {
      batches.push(pool.run({ privateKeyPem, assertions: assertions.slice(i, i + BATCH_SIZE) }));
    }
    return (await Promise.all(batches)).flat();
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = undefined;
  }
}
