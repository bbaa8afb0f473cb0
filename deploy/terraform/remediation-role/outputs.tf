output "role_arn" {
  description = "The remediation role's ARN."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "The remediation role's name."
  value       = aws_iam_role.this.name
}
