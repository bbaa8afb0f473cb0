/** Organization discovery: accounts, OU paths, tags, and the scope filters. */
export { discoverOrganization, type Organization, type OrganizationUnit, type OrgAccount } from "./discover.js";
export { scopeAccounts, type AccountFilters, type AccountScopeDecision } from "./filters.js";
