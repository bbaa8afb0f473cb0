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
import pLimit, { type LimitFunction } from "p-limit";

/**
 * A counting semaphore over p-limit, handing its slots out in the order they were asked for: a slot
 * is a p-limit task that lasts until it is given back.
 */
export class Slots {
  private readonly limit: LimitFunction;
  constructor(count: number) {
    this.limit = pLimit(count);
  }

  /** Resolves, once a slot is held, with the function that gives it back. */
  take(): Promise<() => void> {
    return new Promise((held) => void this.limit(() => new Promise<void>((give) => held(give))));
  }
}

/** One call's hold on a slot: given back while the call waits to retry, taken again to send. */
export class CallSlot {
  private give: (() => void) | undefined;
  private taking: Promise<void> | undefined;
  constructor(private readonly slots: Slots) {}

  /** Holds the slot (after the calls queued before this one); nothing to await if already held. */
  take(): Promise<void> | undefined {
    if (this.give !== undefined) return undefined;
    return (this.taking ??= this.slots.take().then((give) => {
      this.give = give;
      this.taking = undefined;
    }));
  }

  /** Gives the slot back if held (a call that already gave it back gives nothing). */
  free(): void {
    const give = this.give;
    this.give = undefined;
    give?.();
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
