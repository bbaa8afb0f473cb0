/**
 * The lean path's signer: `@smithy/signature-v4`'s `SignatureV4`, its signature computed by it on
 * every request as before, with two things it recomputed per request kept instead (the same values):
 * - **the signing key.** The signer derives it through a cache of its own that is global and holds
 *   50 keys (`MAX_CACHE_SIZE`), named by a string built on every signature from an HMAC of the
 *   secret key over the access key id. A scan signs for every account and Region at once (16
 *   accounts in flight × 5 Regions is 80 keys): that cache kept missing, and each miss derived the
 *   key again (four HMACs). Each signer here is one account's for one Region and service, so it
 *   keeps the key it was last given for the same credentials object and day, and asks the signer's
 *   own derivation (`getSigningKey`) only for a new day, Region, service or credentials (a refresh).
 * - **the dates.** `formatDate` (an ISO string and two regular expressions) gives the same
 *   `longDate` for every request signed in the same second: the last second's is kept.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity } from "@smithy/types";

type SigningKey = (credentials: AwsCredentialIdentity, region: string, shortDate: string, service?: string) => Promise<Uint8Array>;
type Dates = { longDate: string; shortDate: string };

/** The last second formatted (every signer's: the same second gives the same strings). */
let lastSecond = Number.NaN;
let lastDates: Dates = { longDate: "", shortDate: "" };

export class LeanSignatureV4 extends SignatureV4 {
  constructor(init: ConstructorParameters<typeof SignatureV4>[0]) {
    super(init);
    // `getSigningKey` is private in the signer's types (a method in its code): replaced on the instance.
    const self = this as unknown as { getSigningKey: SigningKey };
    const derive = self.getSigningKey.bind(this);
    let kept: { credentials: AwsCredentialIdentity; region: string; shortDate: string; service: string | undefined; key: Promise<Uint8Array> } | undefined;
    self.getSigningKey = (credentials, region, shortDate, service) => {
      if (kept !== undefined && kept.credentials === credentials && kept.shortDate === shortDate && kept.region === region && kept.service === service) return kept.key;
      const key = derive(credentials, region, shortDate, service);
      const entry = { credentials, region, shortDate, service, key };
      kept = entry;
      // A derivation that failed is not kept: the next signature asks again, as the signer would.
      key.catch(() => {
        if (kept === entry) kept = undefined;
      });
      return key;
    };
  }

  protected override formatDate(now: Date | string | number): Dates {
    const time = now instanceof Date ? now.getTime() : Number.NaN;
    if (Number.isNaN(time)) return super.formatDate(now);
    const second = Math.floor(time / 1000);
    if (second !== lastSecond) {
      lastDates = super.formatDate(now);
      lastSecond = second;
    }
    return lastDates;
  }
}
