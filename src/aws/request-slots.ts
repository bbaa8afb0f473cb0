/**
 * Request slots: `--concurrency` counts requests in flight, so a call holds its slot while it sends,
 * never while it waits to retry. The request limiter (limiter.ts) takes a slot for a call; the retry
 * loops inside the call (the SDK's retry middleware, the lean read path's loop in lean-s3.ts) give
 * it back before each backoff and take it again before the next attempt. A throttled call's backoff
 * (a second on average by its third attempt: docs/scale.md, "Throttling") then leaves its slot to
 * the calls queued behind it.
 *
 * How a retry loop finds its call's slot: the limiter starts the call with the slot set here as the
 * current one, and the call's synchronous start (an SDK client's `send` runs its first middleware
 * before any await; the lean reads look it up on their first line) picks it up. A call that does
 * not pick it up keeps the slot from start to end, as every call did before.
 */
import type { FinalizeRequestMiddleware, InitializeMiddleware, MiddlewareStack } from "@smithy/types";

/**
 * A counting semaphore handing its slots out in the order they were asked for (those asked for in
 * the first lane before the others: limiter.ts `first`). A slot that is free
 * when asked for (no one waiting) is taken at once, without a promise: that is every call of a scan
 * that is not queued, so the common case costs a counter, not the promises and microtask turns of a
 * queued task. A slot given back while others wait goes straight to the first of them.
 */
export class Slots {
  private free: number;
  /** Those waiting, first at `head`; the array is compacted once a long run of them has been served. */
  private waiting: (() => void)[] = [];
  private head = 0;
  /** Those asking through the first lane (limiter.ts `first`): served before `waiting`, in their order. */
  private waitingFirst: (() => void)[] = [];

  constructor(count: number) {
    this.free = count;
  }

  /** Takes a slot if one is free now (then no one waits: a freed slot goes to a waiter first). */
  tryTake(): boolean {
    if (this.free === 0) return false;
    this.free--;
    return true;
  }

  /** Resolves once a slot is held, after everyone who asked before in its lane (`first`: before every other waiter). */
  wait(first = false): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((held) => void (first ? this.waitingFirst : this.waiting).push(held));
  }

  /** Gives a slot back: to the first waiter of the first lane, else of the other, or to the free ones. */
  give(): void {
    const first = this.waitingFirst.shift();
    if (first !== undefined) {
      first();
      return;
    }
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as unknown as () => void;
      if (this.head >= COMPACT_AFTER && this.head * 2 >= this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      next();
      return;
    }
    this.free++;
  }
}

/** Served waiters dropped from the queue's front in one go once there are this many (and they are half of it). */
const COMPACT_AFTER = 1024;

/** One call's hold on a slot: given back while the call waits to retry, taken again to send. */
export class CallSlot {
  private held = false;
  private taking: Promise<void> | undefined;
  constructor(
    private readonly slots: Slots,
    private readonly first = false,
  ) {}

  /** Holds the slot (after the calls queued before this one); nothing to await if already held or free now. */
  take(): Promise<void> | undefined {
    if (this.held) return undefined;
    if (this.taking !== undefined) return this.taking;
    if (this.slots.tryTake()) {
      this.held = true;
      return undefined;
    }
    return (this.taking = this.slots.wait(this.first).then(() => {
      this.held = true;
      this.taking = undefined;
    }));
  }

  /** Gives the slot back if held (a call that already gave it back gives nothing). */
  free(): void {
    if (!this.held) return;
    this.held = false;
    this.slots.give();
  }
}

let current: CallSlot | undefined;

/** The slot of the call being started (only during its synchronous start). */
export const currentSlot = (): CallSlot | undefined => current;

/** Runs `start` with `slot` as the current one: what it starts synchronously retries with it. */
export function withSlot<T>(slot: CallSlot | undefined, start: () => T): T {
  const previous = current;
  current = slot;
  try {
    return start();
  } finally {
    current = previous;
  }
}

const SLOT = Symbol("replguard.requestSlot");

/**
 * Gives an SDK client's retries the slot-per-attempt: the first middleware of every call notes
 * the current slot on the call's arguments (they are passed on, spread, step to step); a
 * middleware inside the retry loop, before signing, takes the slot for each attempt and gives it
 * back when the attempt ends, so the retry middleware's backoff sleep holds none.
 */
export function slotPerAttempt(stack: MiddlewareStack<object, object>): void {
  const note: InitializeMiddleware<object, object> = (next) => (args) => {
    // Set even when none: a command object sent again must not keep an earlier call's slot.
    (args as { [SLOT]?: CallSlot })[SLOT] = current;
    return next(args);
  };
  const perAttempt: FinalizeRequestMiddleware<object, object> = (next) => async (args) => {
    const slot = (args as { [SLOT]?: CallSlot })[SLOT];
    if (slot === undefined) return next(args);
    const wait = slot.take();
    if (wait !== undefined) await wait;
    try {
      return await next(args);
    } finally {
      slot.free();
    }
  };
  stack.add(note, { step: "initialize", priority: "high", name: "replguardNoteSlot" });
  stack.addRelativeTo(perAttempt, { relation: "before", toMiddleware: "httpSigningMiddleware", name: "replguardSlotPerAttempt" });
}
