/**
 * Discovers an organization's generated ids (root, OUs by path, accounts by name) through the
 * read-only Organizations calls, so the same questions can be asked of two servers whose ids differ.
 */
import {
  ListAccountsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type Account,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";

export interface OrgIds {
  rootId: string;
  /** OU id by path below the root, e.g. "Workloads/Prod". */
  ous: Record<string, string>;
  /** Account id by account name. */
  accounts: Record<string, string>;
}

/** Every account, following NextToken with pages of `pageSize`; also returns each page's size. */
export async function listAllAccounts(
  client: OrganizationsClient,
  pageSize: number,
): Promise<{ accounts: Account[]; pageSizes: number[]; tokens: unknown[] }> {
  const accounts: Account[] = [];
  const pageSizes: number[] = [];
  const tokens: unknown[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListAccountsCommand({ MaxResults: pageSize, NextToken }));
    accounts.push(...(page.Accounts ?? []));
    pageSizes.push(page.Accounts?.length ?? 0);
    NextToken = page.NextToken;
    tokens.push(NextToken);
    if (pageSizes.length > 50) throw new Error("ListAccounts never stopped paginating");
  } while (NextToken !== undefined);
  return { accounts, pageSizes, tokens };
}

export async function walkOrganization(client: OrganizationsClient): Promise<OrgIds> {
  const rootId = (await client.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
  if (rootId === undefined) throw new Error("ListRoots answered no root");
  const ous: Record<string, string> = {};
  const pending: Array<{ id: string; path: string }> = [{ id: rootId, path: "" }];
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const children = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: next.id }));
    for (const ou of children.OrganizationalUnits ?? []) {
      const path = next.path === "" ? (ou.Name ?? "") : `${next.path}/${ou.Name ?? ""}`;
      if (ou.Id !== undefined) {
        ous[path] = ou.Id;
        pending.push({ id: ou.Id, path });
      }
    }
  }
  const { accounts: list } = await listAllAccounts(client, 20);
  const accounts = Object.fromEntries(list.map((account) => [account.Name ?? "", account.Id ?? ""]));
  return { rootId, ous, accounts };
}

/** Replaces every known generated id in `value` (deeply, in strings equal to it) by a symbolic name. */
export function symbolicIds(ids: OrgIds): (value: unknown) => unknown {
  const names = new Map<string, string>([[ids.rootId, "<root>"]]);
  for (const [path, id] of Object.entries(ids.ous)) names.set(id, `<ou:${path}>`);
  for (const [name, id] of Object.entries(ids.accounts)) names.set(id, `<account:${name}>`);
  const replace = (value: unknown): unknown => {
    if (typeof value === "string") return names.get(value) ?? value;
    if (Array.isArray(value)) return value.map(replace);
    if (value instanceof Date || typeof value !== "object" || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, replace(child)]));
  };
  return replace;
}
