/**
 * AWS Organizations over JSON 1.1 (`X-Amz-Target: AWSOrganizationsV20161128.<Operation>`), the
 * read operations replguard needs. Shapes, id patterns and errors from the API reference:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_Operations.html
 * Errors are `{"__type": Code, "Message": ...}`; service errors such as AccessDeniedException,
 * InvalidInputException and *NotFoundException answer 400 (each operation's "Errors" section).
 */
import { randomUUID } from "node:crypto";
import type { AccountState, SandboxRequest, SandboxResponse, World } from "../core/contracts.js";
import { paginate, PaginationError } from "./pages.js";

export const TARGET_PREFIX = "AWSOrganizationsV20161128.";

export function orgsError(status: number, code: string, message: string, operation: string, extra: Record<string, string> = {}): SandboxResponse {
  const requestId = randomUUID();
  return {
    status,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId },
    body: JSON.stringify({ __type: code, Message: message, ...extra }),
    operation,
  };
}

const ok = (operation: string, body: unknown): SandboxResponse => ({
  status: 200,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() },
  body: JSON.stringify(body),
  operation,
  mutating: false,
});

const invalidInput = (operation: string, reason: string, message: string): SandboxResponse =>
  orgsError(400, "InvalidInputException", message, operation, { Reason: reason });

/** Id patterns from the API reference (ParentId, ChildId, ResourceId). */
const ACCOUNT_ID = /^\d{12}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

/** Children by parent, built once per world (accounts and OUs do not change after start). */
interface Tree {
  accounts: AccountState[];
  accountsByParent: Map<string, AccountState[]>;
  ousByParent: Map<string, string[]>;
}
const trees = new WeakMap<World, Tree>();

function treeOf(world: World): Tree {
  let tree = trees.get(world);
  if (tree !== undefined) return tree;
  tree = { accounts: [], accountsByParent: new Map(), ousByParent: new Map() };
  for (const account of world.accounts.values()) {
    if (!account.member) continue;
    tree.accounts.push(account);
    const siblings = tree.accountsByParent.get(account.parentId);
    if (siblings === undefined) tree.accountsByParent.set(account.parentId, [account]);
    else siblings.push(account);
  }
  for (const ou of world.ous.values()) {
    const siblings = tree.ousByParent.get(ou.parentId);
    if (siblings === undefined) tree.ousByParent.set(ou.parentId, [ou.id]);
    else siblings.push(ou.id);
  }
  trees.set(world, tree);
  return tree;
}

const organizationArn = (world: World): string => `arn:aws:organizations::${world.managementAccountId}:organization/${world.organizationId}`;

function accountJson(world: World, account: AccountState) {
  return {
    Id: account.id,
    Arn: `arn:aws:organizations::${world.managementAccountId}:account/${world.organizationId}/${account.id}`,
    Email: account.email,
    Name: account.name,
    Status: account.status,
    State: account.status,
    JoinedMethod: account.id === world.managementAccountId ? "INVITED" : "CREATED",
    JoinedTimestamp: account.joinedAt.getTime() / 1000,
  };
}

function ouJson(world: World, id: string) {
  const ou = world.ous.get(id);
  return ou === undefined ? undefined : { Id: ou.id, Arn: ou.arn, Name: ou.name };
}

const isParent = (world: World, id: string): boolean => id === world.rootId || world.ous.has(id);

type Input = Record<string, unknown>;
type Operation = (world: World, input: Input) => SandboxResponse;

const requiredId = (input: Input, member: string, operation: string, pattern: RegExp): string | SandboxResponse => {
  const value = input[member];
  if (typeof value !== "string" || value === "") return invalidInput(operation, "INPUT_REQUIRED", `You must specify a value for ${member}.`);
  if (!pattern.test(value)) return invalidInput(operation, "INVALID_PATTERN", `You specified an invalid value for ${member}.`);
  return value;
};

const PARENT_ID = new RegExp(`(${ROOT_ID.source})|(${OU_ID.source})`);
const CHILD_ID = new RegExp(`(${ACCOUNT_ID.source})|(${OU_ID.source})`);
const RESOURCE_ID = /^(\d{12})$|^(r-[0-9a-z]{4,32})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$|^(p-[0-9a-zA-Z_]{8,128})$/;

function page<T>(operation: string, input: Input, key: string, items: readonly T[], member: string, render: (item: T) => unknown): SandboxResponse {
  try {
    const { slice, nextToken } = paginate(operation, key, items, input["MaxResults"], input["NextToken"]);
    return ok(operation, { [member]: slice.map(render), ...(nextToken === undefined ? {} : { NextToken: nextToken }) });
  } catch (error) {
    if (error instanceof PaginationError) return invalidInput(operation, error.reason, error.message);
    throw error;
  }
}

const operations: Record<string, Operation> = {
  DescribeOrganization: (world) => {
    const management = world.accounts.get(world.managementAccountId);
    return ok("DescribeOrganization", {
      Organization: {
        Id: world.organizationId,
        Arn: organizationArn(world),
        FeatureSet: "ALL",
        MasterAccountArn: `arn:aws:organizations::${world.managementAccountId}:account/${world.organizationId}/${world.managementAccountId}`,
        MasterAccountId: world.managementAccountId,
        MasterAccountEmail: management?.email ?? "",
        AvailablePolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
      },
    });
  },
  /**
   * https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html — an id
   * that is not a member: 400 AccountNotFoundException.
   */
  DescribeAccount: (world, input) => {
    const op = "DescribeAccount";
    const accountId = requiredId(input, "AccountId", op, ACCOUNT_ID);
    if (typeof accountId !== "string") return accountId;
    const account = world.accounts.get(accountId);
    if (account?.member !== true) {
      return orgsError(400, "AccountNotFoundException", "You specified an account that doesn't exist.", op);
    }
    return ok(op, { Account: accountJson(world, account) });
  },
  ListAccounts: (world, input) => page("ListAccounts", input, "", treeOf(world).accounts, "Accounts", (a) => accountJson(world, a)),
  ListRoots: (world, input) =>
    page("ListRoots", input, "", [world.rootId], "Roots", (id) => ({
      Id: id,
      Arn: `arn:aws:organizations::${world.managementAccountId}:root/${world.organizationId}/${id}`,
      Name: "Root",
      PolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
    })),
  ListOrganizationalUnitsForParent: (world, input) => {
    const op = "ListOrganizationalUnitsForParent";
    const parentId = requiredId(input, "ParentId", op, PARENT_ID);
    if (typeof parentId !== "string") return parentId;
    if (!isParent(world, parentId)) return orgsError(400, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.", op);
    return page(op, input, parentId, treeOf(world).ousByParent.get(parentId) ?? [], "OrganizationalUnits", (id) => ouJson(world, id));
  },
  ListAccountsForParent: (world, input) => {
    const op = "ListAccountsForParent";
    const parentId = requiredId(input, "ParentId", op, PARENT_ID);
    if (typeof parentId !== "string") return parentId;
    if (!isParent(world, parentId)) return orgsError(400, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.", op);
    return page(op, input, parentId, treeOf(world).accountsByParent.get(parentId) ?? [], "Accounts", (a) => accountJson(world, a));
  },
  ListParents: (world, input) => {
    const op = "ListParents";
    const childId = requiredId(input, "ChildId", op, CHILD_ID);
    if (typeof childId !== "string") return childId;
    const account = world.accounts.get(childId);
    const parentId = account?.member === true ? account.parentId : world.ous.get(childId)?.parentId;
    if (parentId === undefined) {
      return orgsError(400, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.", op);
    }
    return page(op, input, childId, [parentId], "Parents", (id) => ({ Id: id, Type: id === world.rootId ? "ROOT" : "ORGANIZATIONAL_UNIT" }));
  },
  ListTagsForResource: (world, input) => {
    const op = "ListTagsForResource";
    const resourceId = requiredId(input, "ResourceId", op, RESOURCE_ID);
    if (typeof resourceId !== "string") return resourceId;
    const account = world.accounts.get(resourceId);
    const known = account?.member === true || isParent(world, resourceId);
    if (!known) return orgsError(400, "TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.", op);
    const tags = Object.entries(account?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    return page(op, input, resourceId, tags, "Tags", (tag) => tag);
  },
};

/**
 * Operations any member account may call; the rest need the management account (or a delegated
 * administrator, which scenarios do not describe): "Reference: API operations by account",
 * https://docs.aws.amazon.com/organizations/latest/APIReference/action-reference.html
 */
const ANY_MEMBER = new Set(["DescribeOrganization"]);

export const organizationsOperation = (headers: Record<string, string>): string => {
  const target = headers["x-amz-target"] ?? "";
  return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "Unknown";
};

export function handleOrganizations(request: SandboxRequest, world: World): SandboxResponse {
  const name = organizationsOperation(request.headers);
  const operation = operations[name];
  if (operation === undefined) return orgsError(400, "UnknownOperationException", `Unknown operation ${request.headers["x-amz-target"] ?? ""}`, name);
  const caller = world.accounts.get(request.caller.accountId);
  if (caller === undefined || !caller.member) {
    return orgsError(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.", name);
  }
  if (caller.id !== world.managementAccountId && !ANY_MEMBER.has(name)) {
    return orgsError(400, "AccessDeniedException", "You don't have permissions to access this resource.", name);
  }
  let input: Input;
  try {
    const text = request.body.toString("utf8");
    const parsed: unknown = text.trim() === "" ? {} : JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new SyntaxError("not an object");
    input = parsed as Input;
  } catch {
    return orgsError(400, "SerializationException", "Start of structure or map found where not expected.", name);
  }
  return operation(world, input);
}
