import { describe, expect, it } from 'vitest';
import { Heartbeat } from '../../src/services/background/heartbeat.ts';
import { waitFor } from '../support/wait.ts';

/** The heartbeat of a claim: renews until the claim is no longer ours; a renewal that fails (the database away) is only tried again. */
describe('Heartbeat', () => {
  it('renews at each beat, survives failed renewals, and stops once the claim is not ours any more', async () => {
    const answers: (boolean | Error)[] = [true, new Error('connection terminated'), true, false];
    let renewals = 0;
    const heartbeat = new Heartbeat(async () => {
      const answer = answers[renewals++] ?? true;
      if (answer instanceof Error) throw answer;
      return answer;
    }, 5);
    await waitFor(() => heartbeat.lost, { message: 'the heartbeat never noticed the claim was lost', timeout: 5_000 });
    // The failed renewal did not count as lost: the one that said "not ours" did.
    expect(renewals).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 30));
    // No beat after that.
    expect(renewals).toBe(4);
    await heartbeat.stop();
  });

  it('never runs two renewals at once, and stop() waits for the one in flight', async () => {
    let inFlight = 0;
    let most = 0;
    let finished = 0;
    const heartbeat = new Heartbeat(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      finished++;
      return true;
    }, 2);
    await waitFor(() => finished >= 2, { message: 'no renewal finished', timeout: 5_000 });
    await heartbeat.stop();
    expect(inFlight).toBe(0);
    expect(most).toBe(1);
  });
});
