import { describe, expect, it } from "vitest";
import { S3Client, GetBucketVersioningCommand } from "@aws-sdk/client-s3";
import { awsErrorCode, createRequestLimiter, toBucketError } from "../../src/aws/index.js";
import { currentSlot } from "../../src/aws/request-slots.js";

class FakeThrottle extends Error {
  override name = "SlowDown";
}

describe("aws/createRequestLimiter", () => {
  it("never runs more calls at once than its concurrency", async () => {
    const request = createRequestLimiter(3);
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        request(async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 2));
          inFlight--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it("hands its slots out in the order they were asked for, however many wait", async () => {
    const request = createRequestLimiter(1);
    const order: number[] = [];
    // More waiters than the queue keeps before it compacts (1,024).
    await Promise.all(Array.from({ length: 3000 }, (_, i) => request(async () => void order.push(i))));
    expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it("lets a call give its slot back while it waits to retry, and never counts a slot twice", async () => {
    const request = createRequestLimiter(2);
    let sending = 0;
    let peak = 0;
    const send = async (): Promise<void> => {
      sending++;
      peak = Math.max(peak, sending);
      await new Promise((resolve) => setTimeout(resolve, 1));
      sending--;
    };
    // Each call as a retry loop does it: three attempts, the slot given back between them (and
    // twice, as the lean loop and then the limiter do after the last one).
    const call = () => {
      const slot = currentSlot()!;
      return (async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          await slot.take();
          await send();
          slot.free();
          slot.free();
        }
        done++;
      })();
    };
    let done = 0;
    let doneWhenThirdRan = -1;
    // While the first two calls wait between attempts, the third one gets a slot.
    await Promise.all([request(call), request(call), request(async () => void (doneWhenThirdRan = done))]);
    expect(peak).toBe(2);
    expect(doneWhenThirdRan).toBe(0);
    // Afterwards exactly two slots are free: three plain calls never run more than two at once.
    peak = 0;
    await Promise.all([request(send), request(send), request(send)]);
    expect(peak).toBe(2);
  });

  it("queues a call again when throttling outlasted the SDK's retries, and gives up on other errors at once", async () => {
    const request = createRequestLimiter(2, { baseDelayMs: 1 });
    let throttled = 0;
    const value = await request(async () => {
      if (throttled++ < 2) throw new FakeThrottle("Please reduce your request rate.");
      return "ok";
    });
    expect(value).toBe("ok");
    expect(throttled).toBe(3);
    let denied = 0;
    await expect(
      request(async () => {
        denied++;
        throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
      }),
    ).rejects.toThrow("Access Denied");
    expect(denied).toBe(1);
  });
});

describe("aws/awsErrorCode", () => {
  it("names a refused connection NetworkError", async () => {
    const s3 = new S3Client({
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    const error = await s3.send(new GetBucketVersioningCommand({ Bucket: "nowhere" })).catch((e: unknown) => e);
    expect(awsErrorCode(error)).toBe("NetworkError");
    expect(toBucketError("GetBucketVersioning", error)).toMatchObject({ operation: "GetBucketVersioning", code: "NetworkError" });
  });
});
