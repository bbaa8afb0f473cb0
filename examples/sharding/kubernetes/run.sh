#!/bin/sh
# The sharded audit, then the merge: the merge Job is created only once every index has completed.
set -eu
here=$(dirname "$0")
RUN_ID=${RUN_ID:-$(date -u +%Y-%m-%dT%H-%M-%SZ)}
kubectl delete job replguard-shards replguard-merge --ignore-not-found
sed "s/value: \"RUN_ID\"/value: \"$RUN_ID\"/" "$here/shards-job.yaml" | kubectl create -f -
kubectl wait --for=condition=complete --timeout=6h job/replguard-shards
sed "s/value: \"RUN_ID\"/value: \"$RUN_ID\"/" "$here/merge-job.yaml" | kubectl create -f -
kubectl wait --for=condition=complete --timeout=1h job/replguard-merge
