variable "role_name" {
  description = "Name of the audit role in this account (pass it to replguard as --role-name)."
  type        = string
  default     = "replguard-audit"
}

variable "trusted_principal_arn" {
  description = "The principal replguard runs as (e.g. the CI role assumed through OIDC); only it may assume this role."
  type        = string
}

variable "external_id" {
  description = "Optional external ID the scanner must present (--external-id); null = none."
  type        = string
  default     = null
  sensitive   = true
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
