/**
 * Reads the organization: every account (ListAccounts, all pages), its OU path and its tags.
 *
 * OU paths come from one walk of the tree (ListRoots, then ListOrganizationalUnitsForParent and
 * ListAccountsForParent per OU): about 2 calls per OU instead of one ListParents per account
 * plus one lookup per OU level, i.e. ~100 calls instead of ~1,000 for 1,000 accounts in 40 OUs.
 * An account that ListAccounts returns but the walk missed (moved mid-walk) gets one ListParents.
 */
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  type Account,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { OrganizationAccessError, OrganizationNotInUseError } from "../errors.js";
import type { BucketError } from "../model/index.js";
import { awsErrorCode, awsErrorMessage, toBucketError, type RequestLimiter } from "../aws/index.js";

export interface OrgAccount {
  id: string;
  name: string;
  email: string | null;
  status: string;
  /** `Root/Workloads/Prod`; `Root` directly under the root. */
  ouPath: string;
  /** Ids from the root down to the account's parent: `["r-ab12", "ou-ab12-1", "ou-ab12-2"]`. */
  ouIds: string[];
  tags: Record<string, string>;
  /** Non-fatal failures while describing the account (its tags). */
  errors: BucketError[];
}

export interface OrganizationUnit {
  id: string;
  /** Full path from the root, e.g. `Root/Workloads/Prod`. */
  path: string;
  /** Ids from the root down to this OU, inclusive. */
  ids: string[];
}

export interface Organization {
  id: string;
  managementAccountId: string;
  rootId: string;
  rootName: string;
  /** The root and every OU, by id. */
  units: Map<string, OrganizationUnit>;
  accounts: OrgAccount[];
}

/** Runs one Organizations call; a failure means the organization cannot be read at all. */
async function orgCall<T>(request: RequestLimiter, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await request(call);
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === "AWSOrganizationsNotInUseException") {
      // https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html#API_DescribeOrganization_Errors
      throw new OrganizationNotInUseError(
        `The caller's account is not in an AWS Organization (${operation}: ${code}), so nothing was scanned; use --single-account to audit this account alone.`,
        { cause: error, operation, code },
      );
    }
    const hint =
      code === "AccessDeniedException" || code === "AccessDenied"
        ? " Run replguard with credentials of the management account (or a delegated administrator), or use --single-account."
        : "";
    // AWS messages usually end with a period already; one sentence, one period.
    const message = awsErrorMessage(error).replace(/\.+\s*$/, "");
    throw new OrganizationAccessError(`Cannot read the organization: ${operation} failed (${code}): ${message}.${hint}`, {
      cause: error,
      operation,
      code,
    });
  }
}

/** Follows NextToken until the last page. */
async function allPages<T>(fetchPage: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    items.push(...page.items);
    token = page.next;
  } while (token !== undefined);
  return items;
}

async function walkTree(client: OrganizationsClient, request: RequestLimiter, root: OrganizationUnit) {
  const units = new Map<string, OrganizationUnit>([[root.id, root]]);
  const parentOf = new Map<string, string>();
  let level = [root];
  while (level.length > 0) {
    const next: OrganizationUnit[] = [];
    await Promise.all(
      level.map(async (unit) => {
        const [children, accounts] = await Promise.all([
          allPages(async (NextToken) => {
            const out = await orgCall(request, "ListOrganizationalUnitsForParent", () =>
              client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: unit.id, NextToken })),
            );
            return { items: out.OrganizationalUnits ?? [], next: out.NextToken };
          }),
          allPages(async (NextToken) => {
            const out = await orgCall(request, "ListAccountsForParent", () =>
              client.send(new ListAccountsForParentCommand({ ParentId: unit.id, NextToken })),
            );
            return { items: out.Accounts ?? [], next: out.NextToken };
          }),
        ]);
        for (const account of accounts) if (account.Id !== undefined) parentOf.set(account.Id, unit.id);
        for (const ou of children) {
          if (ou.Id === undefined) continue;
          const child = { id: ou.Id, path: `${unit.path}/${ou.Name ?? ou.Id}`, ids: [...unit.ids, ou.Id] };
          units.set(child.id, child);
          next.push(child);
        }
      }),
    );
    level = next;
  }
  return { units, parentOf };
}

async function accountTags(client: OrganizationsClient, request: RequestLimiter, accountId: string) {
  try {
    const tags = await allPages(async (NextToken) => {
      const out = await request(() => client.send(new ListTagsForResourceCommand({ ResourceId: accountId, NextToken })));
      return { items: out.Tags ?? [], next: out.NextToken };
    });
    return { tags: Object.fromEntries(tags.map((t) => [t.Key ?? "", t.Value ?? ""])), error: null };
  } catch (error) {
    return { tags: {}, error: toBucketError("ListTagsForResource", error) };
  }
}

export async function discoverOrganization(client: OrganizationsClient, request: RequestLimiter): Promise<Organization> {
  const described = await orgCall(request, "DescribeOrganization", () => client.send(new DescribeOrganizationCommand({})));
  const roots = await orgCall(request, "ListRoots", () => client.send(new ListRootsCommand({})));
  const rootEntry = roots.Roots?.[0];
  if (rootEntry?.Id === undefined) {
    throw new OrganizationAccessError("Cannot read the organization: ListRoots returned no root.", { operation: "ListRoots" });
  }
  const rootName = rootEntry.Name ?? "Root";
  const root: OrganizationUnit = { id: rootEntry.Id, path: rootName, ids: [rootEntry.Id] };

  const [listed, tree] = await Promise.all([
    allPages<Account>(async (NextToken) => {
      const out = await orgCall(request, "ListAccounts", () => client.send(new ListAccountsCommand({ NextToken })));
      return { items: out.Accounts ?? [], next: out.NextToken };
    }),
    walkTree(client, request, root),
  ]);

  const accounts = await Promise.all(
    listed
      .filter((a): a is Account & { Id: string } => a.Id !== undefined)
      .map(async (a): Promise<OrgAccount> => {
        let parentId = tree.parentOf.get(a.Id);
        if (parentId === undefined) {
          const parents = await orgCall(request, "ListParents", () => client.send(new ListParentsCommand({ ChildId: a.Id })));
          parentId = parents.Parents?.[0]?.Id;
        }
        const unit = (parentId === undefined ? undefined : tree.units.get(parentId)) ?? root;
        const { tags, error } = await accountTags(client, request, a.Id);
        return {
          id: a.Id,
          name: a.Name ?? a.Id,
          email: a.Email ?? null,
          status: a.Status ?? a.State ?? "ACTIVE",
          ouPath: unit.path,
          ouIds: unit.ids,
          tags,
          errors: error === null ? [] : [error],
        };
      }),
  );
  accounts.sort((x, y) => x.id.localeCompare(y.id));
  return {
    id: described.Organization?.Id ?? "",
    managementAccountId: described.Organization?.MasterAccountId ?? "",
    rootId: root.id,
    rootName,
    units: tree.units,
    accounts,
  };
}
