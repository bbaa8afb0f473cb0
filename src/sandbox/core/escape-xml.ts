/** XML text escaping for every XML answer the sandbox writes (S3 and STS), in one place. */
const ENTITIES: Readonly<Record<string, string>> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" };

export const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => ENTITIES[c] as string);
