/**
 * Answers per wake-up, and waking up less often (docs/scale.md, "Coalesced wake-ups"). At 100 ms a
 * call and 64 request slots the lean reads' answers arrive spread out, three or four per wake-up of
 * the thread, and the same JavaScript costs more CPU run in those small pieces after each sleep than
 * at 0 ms, where a wake-up finds many. The transport (lean-transport.ts) tells this module of every
 * request sent and every answer (or error) received, when there is one (`answerTurns`: only while
 * the wait is on or a bench counts; otherwise the transport has none and pays nothing per call):
 * - it counts the answers and the loop turns that handled at least one (one `setImmediate` per such
 *   turn, scheduled by its first answer), for the benches (`countAnswerTurns`, `answerTurnCounts`);
 * - at the end of a turn that handled one or two answers, while the answers are slow (the median of
 *   the last ones at least `SLOW_ANSWER_MS`), the thread mostly idle and most slots in flight, it sleeps
 *   `waitMs` with `Atomics.wait` (no CPU while asleep): the answers that come meanwhile wait in their
 *   sockets, and the next turn's poll returns them together, without sleeping again. The wait is a
 *   sleep and a wake-up itself, so it pays only when several answers come during it: 6 ms at 64
 *   slots (about four), not 2 (fewer answers a wake-up than without). A call's answer is handled at
 *   most `waitMs` later.
 * - it sleeps two check phases after the turn's end, once the turn's answers' next requests are on
 *   the wire. With as many connections as slots, a next request waits in undici's pool for the
 *   connection the answer freed; undici hands it over in a `setImmediate` after the answer ("wait a
 *   full event loop cycle to reuse this socket", client-h1.js), queued behind the turn's end, and
 *   writes it in a second one (its idle-socket check). A sleep at the turn's end (the first version)
 *   held every one of those requests back `waitMs`: the wall time it cost. It does not sleep if
 *   answers came in between (their requests are not written yet either).
 * Never while the answers are quick (0 ms a call, an in-process sandbox: the median is a few ms) nor
 * while the thread is busy (a CPU-bound scan, an in-process sandbox's own work), so a thread with
 * work to do never sleeps; never with few calls in flight (an account's last calls, a single read).
 * It blocks the thread, timers and signals included, for `waitMs` at a time only: a SIGINT is
 * handled after it, as after any turn's work. Each worker thread has its own.
 */
import { channel } from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import { wholeNumberSetting } from "../env-switch.js";

/**
 * How long a turn's end sleeps while coalescing, by default: 0, off. At 6 ms (measured at 2, 4, 6
 * and 10) the 100,000-bucket run at 100 ms took 1.289 against 1.532 ms CPU a bucket, but its wall
 * ÷ floor went 1.17 → 1.28, over issue #15's 1.25 (docs/scale.md, "Coalesced wake-ups"). That run
 * slept before the turn's next requests were written. Sleeping after them (now) saves nothing
 * there: the quiet pair of 2026-12-01 gave 1.281 against 1.285 ms a bucket, 1.20 against 1.16 × the
 * floor (docs/scale.md, "Where the accounts stage's CPU goes now"). `REPLGUARD_COALESCE_MS` stays for
 * experiments (another server's spread of answers, another placement of the sleep).
 */
export const COALESCE_MS = 0;

/**
 * The sleep after a turn's answers, in ms: `REPLGUARD_COALESCE_MS` (0 to 20; `0` never sleeps, the
 * turns still counted), else COALESCE_MS. Worker threads read the same (they are given the environment).
 */
export const coalesceMs = (): number => wholeNumberSetting(process.env, "REPLGUARD_COALESCE_MS", COALESCE_MS, 20);

/** An answer this slow or slower is one the thread would sleep for anyway: the server's time, not ours. */
export const SLOW_ANSWER_MS = 20;
/** The last answers whose median decides (a count over a ring: the median is at least SLOW_ANSWER_MS when half of them are). */
const RECENT = 16;
/** Sleeps only while at least this share of the slots is in flight: answers keep coming during the wait. */
const IN_FLIGHT_SHARE = 0.5;
/**
 * A turn that handled this many answers already found them gathered: a wait after it would add a
 * wake-up for nothing (a scanner whose core is shared finds 8–15 a turn; 0 ms a call, ~17).
 */
const GATHERED = 3;
/** How often the thread's own busy share is read (its event-loop utilization over that time). */
const WINDOW_MS = 100;
/**
 * Sleeps only while the thread was busy less than this share of the last window, its own sleeps not
 * counted as busy: a thread that has work waiting (a CPU-bound scan, an in-process sandbox answering
 * on the same thread) never sleeps for more answers.
 */
const BUSY_SHARE = 0.5;

/** What this thread's transports have seen since it started (benches read the difference over a run). */
export interface AnswerTurnCounts {
  /** Answers and errors received. */
  answers: number;
  /** Event-loop turns that handled at least one of them. */
  turns: number;
  /** Turns after which the thread slept to let answers gather. */
  waits: number;
  /** How long those sleeps took, in ms (more than `waits` × the wait when the thread waits for a core after one). */
  sleptMs: number;
}

const counts: AnswerTurnCounts = { answers: 0, turns: 0, waits: 0, sleptMs: 0 };
/** Whether this thread's transports count their answers' turns while the wait is off (`countAnswerTurns`). */
let counting = false;

/**
 * Counts the answers' turns on this thread from now on (`on` false: no longer), wait or not (the
 * benches: bench/scan-cpu.ts, bench/scan-cpu-ab.ts). Off by default: with the wait off nothing else
 * reads them, and counting costs a `setImmediate` a turn. Transports made before the call keep what they did.
 */
export const countAnswerTurns = (on = true): void => {
  counting = on;
};

/** A copy of this thread's counts so far (zeros unless the wait is on or `countAnswerTurns` was called). */
export const answerTurnCounts = (): AnswerTurnCounts => ({ ...counts });

/**
 * Each coalescing sleep, published as it begins (nothing is published unless someone listens): what
 * the tests watch to see which requests a sleep holds back (test/aws/answer-turns.test.ts).
 */
export const COALESCE_WAITS = channel("replguard:coalesce-wait");

/** What `Atomics.wait` sleeps on: nothing ever wakes it, so it sleeps its whole timeout. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** A transport's AnswerTurns for `slots` request slots, or undefined when it would neither wait nor be read (the wait off, no bench counting). */
export function answerTurns(slots: number): AnswerTurns | undefined {
  const waitMs = coalesceMs();
  return waitMs > 0 || counting ? new AnswerTurns(slots, waitMs) : undefined;
}

/** One transport's requests in flight and its recent answer times; `waitMs` 0: counts only, never sleeps nor reads the clock. */
export class AnswerTurns {
  private inFlight = 0;
  /** Whether each of the last RECENT answers was slow, and how many of them were. */
  private readonly slow = new Uint8Array(RECENT);
  private slowCount = 0;
  private next = 0;
  private turnScheduled = false;
  /** Answers handled in the turn under way. */
  private turnAnswers = 0;
  /** The current window of the busy share: its start, the loop's utilization then, the ms slept in it. */
  private windowStart = performance.now();
  private windowUtilization = performance.eventLoopUtilization();
  private slept = 0;
  /** Whether the thread was mostly idle over the last whole window. */
  private mostlyIdle = false;
  private readonly endTurn = (): void => this.turnEnded();
  private readonly sleepAfterSends = (): void => this.sleep();
  /** One check phase later than the turn's end: undici's first immediate hands the next requests to the freed connections. */
  private readonly sleepLater = (): void => void setImmediate(this.sleepAfterSends);

  constructor(
    private readonly slots: number,
    private readonly waitMs: number,
  ) {}

  /** A request is sent: the time it was, to hand back to `answered` (0 when the wait is off: only counted). */
  sent(): number {
    this.inFlight++;
    return this.waitMs > 0 ? performance.now() : 0;
  }

  /** Its answer (or error) is in. */
  answered(sentAt: number): void {
    this.inFlight--;
    counts.answers++;
    if (this.waitMs > 0) {
      const slow = performance.now() - sentAt >= SLOW_ANSWER_MS ? 1 : 0;
      this.slowCount += slow - this.slow[this.next]!;
      this.slow[this.next] = slow;
      this.next = (this.next + 1) % RECENT;
    }
    this.turnAnswers++;
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    counts.turns++;
    // Runs once this turn's I/O callbacks (and the work their answers started) are done.
    setImmediate(this.endTurn);
  }

  /** Whether to sleep: few answers this turn, answers slow, the thread mostly idle, most slots in flight. */
  private coalescing(answers: number): boolean {
    return (
      this.waitMs > 0 &&
      answers < GATHERED &&
      this.slowCount * 2 >= RECENT &&
      this.mostlyIdle &&
      this.inFlight >= this.slots * IN_FLIGHT_SHARE
    );
  }

  /** Reads the thread's busy share once a window is over (event-loop utilization: the time outside the poll's sleep). */
  private measureIdle(now: number): void {
    if (now - this.windowStart < WINDOW_MS) return;
    const { active, idle } = performance.eventLoopUtilization(this.windowUtilization);
    // Its own sleeps count as active there (the loop was not in its poll), but the thread did nothing.
    this.mostlyIdle = active - this.slept < (active + idle) * BUSY_SHARE;
    this.windowStart = now;
    this.windowUtilization = performance.eventLoopUtilization();
    this.slept = 0;
  }

  private turnEnded(): void {
    const answers = this.turnAnswers;
    this.turnScheduled = false;
    this.turnAnswers = 0;
    if (this.waitMs === 0) return;
    this.measureIdle(performance.now());
    // Not now: this turn's next requests are written two immediates later (see the top of this file); the sleep runs after them.
    if (this.coalescing(answers)) setImmediate(this.sleepLater);
  }

  /** The turn's next requests written: sleeps, unless answers came since (their requests are not written yet). */
  private sleep(): void {
    if (this.turnAnswers > 0) return;
    counts.waits++;
    if (COALESCE_WAITS.hasSubscribers) COALESCE_WAITS.publish(undefined);
    const start = performance.now();
    Atomics.wait(sleeper, 0, 0, this.waitMs);
    const slept = performance.now() - start;
    this.slept += slept;
    counts.sleptMs += slept;
  }
}
