/**
 * Where one operation's calls go: through the lean path when the Region's endpoint template applies
 * (lean-s3.ts), else through the SDK client, made only then. ListBuckets, ListJobs, IAM's role reads
 * and KMS GetKeyPolicy all route alike.
 */
import type { EndpointTemplate } from "./lean-s3.js";
import { currentSlot, withSlot, type CallSlot } from "./request-slots.js";

export type LeanRoute<S> = <R>(viaSdk: (sdk: S) => Promise<R>, viaLean: (target: EndpointTemplate, slot: CallSlot | undefined) => Promise<R>) => Promise<R>;

/** `template` is asked for once (null: the SDK serves every call); `sdk` makes the SDK's reads on first need. */
export function leanRoute<S>(template: () => Promise<EndpointTemplate | null>, sdk: () => S): LeanRoute<S> {
  let made: S | undefined;
  let known: EndpointTemplate | null | undefined;
  return async (viaSdk, viaLean) => {
    // Before any await: the request slot of the call this is (request-slots.ts); the SDK's call runs in it too.
    const slot = currentSlot();
    const target = known !== undefined ? known : (known = await template());
    if (target === null) return withSlot(slot, () => viaSdk((made ??= sdk())));
    return viaLean(target, slot);
  };
}
