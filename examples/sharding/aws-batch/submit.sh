#!/bin/sh
# A sharded replguard audit as an AWS Batch array job, then the merge (docs/scale.md).
# Each child gets AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE from Batch
# (https://docs.aws.amazon.com/batch/latest/userguide/job_env_vars.html): replguard audit reads them
# as its shard, so the job definition passes no --shard. A child that could not read its part exits 3
# and is retried (job-definition.json); the merge job depends on the whole array, so it starts once
# every child succeeded, and it refuses (exit 2, naming the index) if a shard's snapshot is missing.
# Register once:
#   aws batch register-job-definition --cli-input-json file://job-definition.json
#   aws batch register-job-definition --cli-input-json file://merge-job-definition.json
set -eu
QUEUE=${QUEUE:-replguard}
SHARDS=${SHARDS:-8}
RUN_ID=${RUN_ID:-$(date -u +%Y-%m-%dT%H-%M-%SZ)}
# Every child writes /reports/runs/$RUN_ID/shard-<its index>/ (the job definitions' commands).
array=$(aws batch submit-job --job-name "replguard-$RUN_ID" --job-queue "$QUEUE" \
  --job-definition replguard-shard --array-properties "size=$SHARDS" \
  --container-overrides "environment=[{name=RUN_ID,value=$RUN_ID}]" \
  --query jobId --output text)
aws batch submit-job --job-name "replguard-$RUN_ID-merge" --job-queue "$QUEUE" \
  --job-definition replguard-merge --depends-on "jobId=$array" \
  --container-overrides "environment=[{name=RUN_ID,value=$RUN_ID}]" --query jobId --output text
