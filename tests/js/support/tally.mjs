// Copies of a broadcast counted the way a sequential-await client experiences them.
import assert from 'node:assert/strict';
import { nextMessage, takeUnheard } from './headcount.mjs';

// A copy that has not arrived by then never will, as far as such a client can tell.
export const LOSS_TIMEOUT_MS = 2000;
const EXAMPLES = 5;

/** `message` has `expected.event` and every field of `expected.data` with the same value. */
function matches(message, expected) {
  if (message?.event !== expected.event) return false;
  return Object.entries(expected.data).every(([key, value]) => message.data?.[key] === value);
}

export class Tally {
  constructor(scenario, repetitions) {
    this.scenario = scenario;
    this.repetitions = repetitions;
    this.copies = 0;
    this.lostBy = {};
    this.unheard = 0;
    this.neverCame = 0;
    this.wrong = [];
  }

  /**
   * Wait for `who`'s copy on `ws` as the seed's clients do: listen only from now on. A copy the
   * socket already emitted to nobody is lost at once (waiting could not bring it back).
   */
  async copy(who, ws, expected) {
    this.copies += 1;
    const early = takeUnheard(ws);
    const message = early ?? (await nextMessage(ws, LOSS_TIMEOUT_MS));
    if (matches(message, expected)) {
      if (early) this.lose(who, 'unheard');
      return;
    }
    if (message === null) {
      this.lose(who, 'neverCame');
      return;
    }
    if (this.wrong.length < EXAMPLES) this.wrong.push({ who, expected, got: message });
  }

  lose(who, how) {
    this.lostBy[who] = (this.lostBy[who] ?? 0) + 1;
    this[how] += 1;
  }

  get lost() {
    return this.unheard + this.neverCame;
  }

  summary() {
    const byWho = Object.entries(this.lostBy).map(([who, n]) => `${who} ${n}`).join(', ') || 'none';
    return (
      `${this.scenario}: lost ${this.lost} of ${this.copies} copies in ${this.repetitions} ` +
      `repetitions (by socket: ${byWho}; emitted before the client listened: ${this.unheard}, ` +
      `never arrived within ${LOSS_TIMEOUT_MS} ms: ${this.neverCame})`
    );
  }

  /** Report the counts, then fail on any unexpected message or on more than 1% lost. */
  check(t) {
    t.diagnostic(this.summary());
    assert.deepEqual(this.wrong, [], `${this.scenario}: unexpected messages`);
    const allowed = Math.floor(this.repetitions / 100);
    assert.ok(this.lost <= allowed, `${this.summary()}; at most ${allowed} may be lost`);
  }
}
