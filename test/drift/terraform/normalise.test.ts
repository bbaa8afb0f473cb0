/**
 * Equal in meaning, not in form: declared rules in the spellings Terraform writes compare equal to
 * what the scanner makes of S3's answer (src/scan/parse.ts parseRule over the SDK's shape), the
 * cases terraform-provider-aws reports as false drift (#665, #10235) included; a real difference
 * of meaning stays one.
 */
import type { ReplicationRule as SdkRule } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { declareBuckets, ruleFromLive, ruleFromResource, ruleFromV3Inline } from "../../../src/drift/terraform/normalise.js";
import type { TerraformResource } from "../../../src/drift/terraform/read.js";
import { TerraformError } from "../../../src/errors.js";
import { parseRule } from "../../../src/scan/parse.js";

const live = (rule: SdkRule) => ruleFromLive(parseRule(rule, 0));
const destination = { Bucket: "arn:aws:s3:::replica" };
const tfDestination = [{ bucket: "arn:aws:s3:::replica", storage_class: "", account: "" }];

describe("drift/terraform normalise: equal in meaning", () => {
  const cases: [string, ReturnType<typeof ruleFromResource>, SdkRule][] = [
    [
      "#10235: provider v3 empty filter {} with a priority, against S3's V2 rule with an empty prefix",
      ruleFromV3Inline({ id: "mirror", status: "Enabled", priority: 100, prefix: "", delete_marker_replication_status: "", filter: [{ prefix: "", tags: {} }], destination: [{ bucket: "arn:aws:s3:::replica" }] }),
      { ID: "mirror", Status: "Enabled", Priority: 100, Filter: { Prefix: "" }, DeleteMarkerReplication: { Status: "Disabled" }, Destination: destination },
    ],
    [
      "#665: v4 empty filter block and no priority (the provider sends 0), against S3's Filter {} with priority 0",
      ruleFromResource({ id: "r", status: "Enabled", filter: [{ and: [], prefix: "", tag: [] }], delete_marker_replication: [{ status: "Disabled" }], destination: tfDestination }),
      { ID: "r", Status: "Enabled", Priority: 0, Filter: {}, DeleteMarkerReplication: { Status: "Disabled" }, Destination: destination },
    ],
    [
      "a V1 prefix against a V2 filter.prefix that replicates delete markers, priority 0",
      ruleFromResource({ id: "r", status: "Enabled", prefix: "logs/", priority: 0, filter: [], destination: tfDestination }),
      { ID: "r", Status: "Enabled", Priority: 0, Filter: { Prefix: "logs/" }, DeleteMarkerReplication: { Status: "Enabled" }, Destination: destination },
    ],
    [
      "filter.and with a prefix and no tags, against Filter.Prefix",
      ruleFromResource({ id: "r", status: "Enabled", priority: 3, filter: [{ and: [{ prefix: "logs/", tags: {} }], prefix: "", tag: [] }], delete_marker_replication: [{ status: "Disabled" }], destination: tfDestination }),
      { ID: "r", Status: "Enabled", Priority: 3, Filter: { Prefix: "logs/" }, DeleteMarkerReplication: { Status: "Disabled" }, Destination: destination },
    ],
    [
      "a single filter.tag against Filter.And with one tag; status in lower case",
      ruleFromResource({ id: "r", status: "enabled", priority: 1, filter: [{ and: [], prefix: "", tag: [{ key: "k", value: "v" }] }], delete_marker_replication: [{ status: "Disabled" }], destination: tfDestination }),
      { ID: "r", Status: "Enabled", Priority: 1, Filter: { And: { Tags: [{ Key: "k", Value: "v" }] } }, DeleteMarkerReplication: { Status: "Disabled" }, Destination: destination },
    ],
    [
      "a disabled RTC and metrics with minutes written, against none",
      ruleFromResource({
        id: "r",
        status: "Enabled",
        priority: 1,
        filter: [{}],
        delete_marker_replication: [{ status: "Disabled" }],
        destination: [{ bucket: "arn:aws:s3:::replica", replication_time: [{ status: "Disabled", time: [{ minutes: 15 }] }], metrics: [{ status: "Disabled", event_threshold: [{ minutes: 15 }] }] }],
      }),
      { ID: "r", Status: "Enabled", Priority: 1, Filter: {}, DeleteMarkerReplication: { Status: "Disabled" }, Destination: destination },
    ],
    [
      "v4 destination options against S3's Destination",
      ruleFromResource({
        id: "r",
        status: "Enabled",
        priority: 1,
        filter: [{}],
        delete_marker_replication: [{ status: "Disabled" }],
        existing_object_replication: [{ status: "Enabled" }],
        source_selection_criteria: [{ replica_modifications: [{ status: "Enabled" }], sse_kms_encrypted_objects: [{ status: "Enabled" }] }],
        destination: [
          {
            bucket: "arn:aws:s3:::replica",
            account: "444444444444",
            storage_class: "GLACIER_IR",
            access_control_translation: [{ owner: "Destination" }],
            encryption_configuration: [{ replica_kms_key_id: "arn:aws:kms:eu-west-1:444444444444:key/k" }],
            replication_time: [{ status: "Enabled", time: [{ minutes: 15 }] }],
            metrics: [{ status: "Enabled", event_threshold: [{ minutes: 15 }] }],
          },
        ],
      }),
      {
        ID: "r",
        Status: "Enabled",
        Priority: 1,
        Filter: {},
        DeleteMarkerReplication: { Status: "Disabled" },
        ExistingObjectReplication: { Status: "Enabled" },
        SourceSelectionCriteria: { ReplicaModifications: { Status: "Enabled" }, SseKmsEncryptedObjects: { Status: "Enabled" } },
        Destination: {
          Bucket: "arn:aws:s3:::replica",
          Account: "444444444444",
          StorageClass: "GLACIER_IR",
          AccessControlTranslation: { Owner: "Destination" },
          EncryptionConfiguration: { ReplicaKmsKeyID: "arn:aws:kms:eu-west-1:444444444444:key/k" },
          ReplicationTime: { Status: "Enabled", Time: { Minutes: 15 } },
          Metrics: { Status: "Enabled", EventThreshold: { Minutes: 15 } },
        },
      },
    ],
    [
      "a provider v3 V1 rule against S3's V1 rule",
      ruleFromV3Inline({ id: "old", status: "Enabled", priority: 0, prefix: "data/", filter: [], destination: [{ bucket: "arn:aws:s3:::replica", storage_class: "GLACIER", metrics: [], replication_time: [] }] }),
      { ID: "old", Status: "Enabled", Prefix: "data/", Destination: { ...destination, StorageClass: "GLACIER" } },
    ],
  ];
  it.each(cases)("%s", (_name, declared, answer) => {
    expect(declared).toEqual(live(answer));
  });
});

describe("drift/terraform normalise: different in meaning", () => {
  it("keeps a V1 rule (delete markers replicated) apart from a V2 rule that does not replicate them", () => {
    const declared = ruleFromResource({ id: "r", status: "Enabled", prefix: "logs/", filter: [], destination: tfDestination });
    const actual = live({ ID: "r", Status: "Enabled", Priority: 0, Filter: { Prefix: "logs/" }, DeleteMarkerReplication: { Status: "Disabled" }, Destination: destination });
    expect({ ...declared, deleteMarkerReplication: actual.deleteMarkerReplication }).toEqual(actual);
    expect(declared.deleteMarkerReplication).toBe(true);
  });

  it("reads provider v3's empty filter {} as the V2 rule it declares, so a V1 rule in AWS differs", () => {
    const declared = ruleFromV3Inline({ id: "m", status: "Enabled", priority: 1, filter: [{ prefix: "", tags: {} }], destination: [{ bucket: "arn:aws:s3:::replica" }] });
    const v1InAws = live({ ID: "m", Status: "Enabled", Prefix: "", Destination: destination });
    expect([declared.deleteMarkerReplication, v1InAws.deleteMarkerReplication]).toEqual([false, true]);
  });
});

describe("drift/terraform declareBuckets", () => {
  const resource = (address: string, type: TerraformResource["type"], values: Record<string, unknown>): TerraformResource => ({ address, type, values, unknown: [], created: false });

  it("lets a separate resource win over a provider v3 inline block for the same fact, and reads v3 `enabled = false` as not Enabled", () => {
    const { buckets } = declareBuckets(
      [
        resource("aws_s3_bucket.a", "aws_s3_bucket", { bucket: "a", versioning: [{ enabled: false, mfa_delete: false }], replication_configuration: [{ role: "inline", rules: [] }] }),
        resource("aws_s3_bucket_replication_configuration.a", "aws_s3_bucket_replication_configuration", { bucket: "a", role: "separate", rule: [] }),
      ],
      "main.json",
    );
    expect(buckets[0]?.replication?.value.role).toBe("separate");
    expect(buckets[0]?.versioning?.value).toEqual({ status: "NotEnabled", mfaDelete: "Disabled" });
  });

  it("refuses two separate resources declaring the same fact of one bucket", () => {
    const twice = [
      resource("aws_s3_bucket_versioning.one", "aws_s3_bucket_versioning", { bucket: "a", versioning_configuration: [{ status: "Enabled" }] }),
      resource("module.m.aws_s3_bucket_versioning.two", "aws_s3_bucket_versioning", { bucket: "arn:aws:s3:::a", versioning_configuration: [{ status: "Suspended" }] }),
    ];
    expect(() => declareBuckets(twice, "main.json")).toThrow(new TerraformError("main.json: aws_s3_bucket_versioning.one and module.m.aws_s3_bucket_versioning.two both declare the versioning of bucket a", { file: "main.json" }));
  });

  it("ignores the v4+ bucket's read-back versioning and replication blocks", () => {
    const { buckets } = declareBuckets(
      [resource("aws_s3_bucket.b", "aws_s3_bucket", { bucket: "b", object_lock_enabled: false, versioning: [{ enabled: true, mfa_delete: false }], replication_configuration: [{ role: "r", rules: [{ id: "x" }] }] })],
      "main.json",
    );
    expect(buckets).toEqual([{ bucket: "b", addresses: ["aws_s3_bucket.b"], createdBy: null }]);
  });
});
