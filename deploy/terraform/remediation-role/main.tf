# The replguard remediation role for one account. Its policy is read from deploy/remediation-role-policy.json,
# the same file `replguard permissions --fix` prints and the CloudFormation
# StackSet embeds (test/deploy/templates.test.ts keeps them equal), so the module cannot drift from the scanner.
# For every account of an OU, call it per account with a provider that assumes into each, or use the StackSet.

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 4.0"
    }
  }
}

data "aws_iam_policy_document" "trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [var.trusted_principal_arn]
    }
    dynamic "condition" {
      for_each = var.external_id == null ? [] : [var.external_id]
      content {
        test     = "StringEquals"
        variable = "sts:ExternalId"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "replguard-remediation"
  role   = aws_iam_role.this.id
  policy = file("${path.module}/../../remediation-role-policy.json")
}
