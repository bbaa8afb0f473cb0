/**
 * `audit --out s3://…` and `--baseline s3://…`: the audit itself writes to a local folder (a
 * temporary one, or `--local-copy DIR` for CI artifacts); this wraps it. Before the scan: the
 * reports bucket is checked and the baseline snapshot downloaded (a bad bucket fails in a second,
 * not after an hour of scanning). After it: the reports are uploaded into the run's folder
 * (src/aws/s3-reports.ts) and the summary lists their s3:// URLs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditResult } from "../audit/index.js";
import { downloadObject, isS3Url, latestSnapshotKey, parseS3Url, reportsClient, runFolder, uploadReports, type ReportsClientOptions, type S3Location } from "../aws/s3-reports.js";
import { OutputError, SnapshotError, UsageError } from "../errors.js";
import { printErr } from "./terminal.js";

export interface DeliveryInput {
  out: string | undefined;
  baseline: string | undefined;
  localCopy: string | undefined;
  sseKmsKeyId: string | undefined;
  failOnDrift: boolean;
  quiet: boolean;
  now: Date;
  client: ReportsClientOptions;
}

export interface S3Delivery {
  /** The local folder the audit writes into (undefined: --out is not S3, keep the user's). */
  outDir: string | undefined;
  /** The baseline as the audit reads it: a downloaded file, undefined (none yet), or the flag as given. */
  baseline: string | undefined;
  /** Uploads the reports (when --out is S3) and returns the result with their s3:// URLs. */
  deliver(result: AuditResult): Promise<AuditResult>;
  /** Removes the temporary folders and closes the clients. */
  close(): Promise<void>;
}

/** Null when neither --out nor --baseline names S3 (after checking the S3-only flags are not given alone). */
export async function s3Delivery(input: DeliveryInput): Promise<S3Delivery | null> {
  const outS3 = isS3Url(input.out);
  if (!outS3 && input.localCopy !== undefined) throw new UsageError("--local-copy keeps the reports of --out s3://…: give --out s3://BUCKET/PREFIX/ too");
  if (!outS3 && input.sseKmsKeyId !== undefined) throw new UsageError("--sse-kms-key-id encrypts the reports written to S3: give --out s3://BUCKET/PREFIX/ too");
  // `--baseline latest` with S3 reports means the newest run under the --out prefix.
  const baselineUrl = isS3Url(input.baseline) ? input.baseline : input.baseline === "latest" && outS3 ? input.out : undefined;
  if (!outS3 && baselineUrl === undefined) return null;

  const closers: Array<() => Promise<void> | void> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const temp = await mkdtemp(join(tmpdir(), "replguard-s3-"));
    let keepTemp = false;
    closers.push(() => (keepTemp ? undefined : rm(temp, { recursive: true, force: true })));
    const out = isS3Url(input.out) ? parseS3Url(input.out, "--out") : undefined;
    const outClient = out === undefined ? undefined : await reportsClient(out, input.client, "--out");
    if (outClient !== undefined) closers.push(outClient.close);
    const fetched = baselineUrl === undefined ? undefined : await fetchBaseline(baselineUrl, input, temp, closers, out, outClient?.client);
    const baseline = baselineUrl === undefined ? input.baseline : fetched?.file;
    const outDir = out === undefined ? undefined : (input.localCopy ?? join(temp, "reports"));
    const run = runFolder(input.now);
    return {
      outDir,
      baseline,
      close,
      async deliver(audited) {
        // The summary names the baseline as the user knows it: its s3:// URL, not the download.
        const result = fetched !== undefined && audited.baselineFile === fetched.file ? { ...audited, baselineFile: fetched.source } : audited;
        if (out === undefined || outClient === undefined) return result;
        let urls: string[];
        try {
          urls = await uploadReports(outClient.client, out, run, result.reports.map((r) => r.file), input.sseKmsKeyId === undefined ? {} : { sseKmsKeyId: input.sseKmsKeyId });
        } catch (error) {
          // Reports that were made but not delivered are kept, and the one line says where.
          if (!(error instanceof OutputError) || outDir === undefined) throw error;
          keepTemp = input.localCopy === undefined;
          throw new OutputError(`${error.message}; kept in ${outDir}`, { ...error.location, cause: error.cause });
        }
        return { ...result, reports: result.reports.map((report, i) => ({ ...report, file: urls[i]! })) };
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function fetchBaseline(
  url: string,
  input: DeliveryInput,
  temp: string,
  closers: Array<() => Promise<void> | void>,
  out: S3Location | undefined,
  outClient: Awaited<ReturnType<typeof reportsClient>>["client"] | undefined,
): Promise<{ file: string; source: string } | undefined> {
  const exact = url.endsWith(".json");
  const location = parseS3Url(exact ? url.slice(0, url.lastIndexOf("/") + 1) : url, "--baseline");
  const sameBucket = out !== undefined && outClient !== undefined && out.bucket === location.bucket;
  let client = outClient;
  if (!sameBucket || client === undefined) {
    const opened = await reportsClient(location, input.client, "--baseline");
    closers.push(opened.close);
    client = opened.client;
  }
  const key = exact ? url.slice(`s3://${location.bucket}/`.length) : await latestSnapshotKey(client, location);
  if (key === null) {
    const where = `s3://${location.bucket}/${location.prefix}`;
    if (input.failOnDrift) {
      // A CI gate on drift cannot pass when there is nothing to compare with.
      throw new SnapshotError(`--baseline ${url}: no run folder with a snapshot.json under ${where}, so --fail-on-drift cannot be decided; run once without --fail-on-drift to make one`, { bucket: location.bucket });
    }
    if (!input.quiet) printErr(`replguard: --baseline ${url}: no snapshot.json under ${where} yet: this is the first run, no drift reported\n`);
    return undefined;
  }
  const file = join(temp, "baseline-snapshot.json");
  await downloadObject(client, location.bucket, key, file);
  return { file, source: `s3://${location.bucket}/${key}` };
}
