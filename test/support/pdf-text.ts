/**
 * The text of a PDF as Chromium (Skia) writes it, enough for a test to check what a page says:
 * Flate-compressed content streams whose text operators (`Tj`, `TJ`) show hex glyph codes, mapped
 * to Unicode by each font's `ToUnicode` CMap. Not a general PDF reader: no object streams, no
 * encryption, no other filters. Returns the text of each content stream in document order, words
 * as drawn (whitespace between them may be missing: compare with whitespace removed).
 */
import { inflateSync } from "node:zlib";

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString("latin1");
  const found = new Map<number, PdfObject>();
  for (const match of text.matchAll(/(\d+) 0 obj\b/g)) {
    const start = match.index + match[0].length;
    const end = text.indexOf("endobj", start);
    const body = text.slice(start, end);
    const at = body.search(/\bstream\r?\n/);
    if (at < 0) {
      found.set(Number(match[1]), { dict: body, stream: null });
      continue;
    }
    const dict = body.slice(0, at);
    const dataStart = start + at + (body[at + 6] === "\r" ? 8 : 7);
    const dataEnd = text.lastIndexOf("endstream", end);
    let raw = pdf.subarray(dataStart, dataEnd);
    if (raw.at(-1) === 0x0a) raw = raw.subarray(0, raw.length - 1);
    if (raw.at(-1) === 0x0d) raw = raw.subarray(0, raw.length - 1);
    found.set(Number(match[1]), { dict, stream: /\/FlateDecode/.test(dict) ? inflateSync(raw) : raw });
  }
  return found;
}

const utf16 = (hex: string): string => {
  let out = "";
  for (let i = 0; i + 4 <= hex.length; i += 4) out += String.fromCharCode(Number.parseInt(hex.slice(i, i + 4), 16));
  return out;
};

interface CMap {
  bytes: number;
  map: Map<number, string>;
}

function parseCMap(source: string): CMap {
  const map = new Map<number, string>();
  const range = /begincodespacerange\s*<([0-9a-fA-F]+)>/.exec(source);
  const bytes = range ? range[1]!.length / 2 : 2;
  for (const block of source.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(Number.parseInt(m[1]!, 16), utf16(m[2]!));
  }
  for (const block of source.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g)) {
      const low = Number.parseInt(m[1]!, 16);
      const high = Number.parseInt(m[2]!, 16);
      if (m[3]!.startsWith("[")) {
        [...m[3]!.matchAll(/<([0-9a-fA-F]+)>/g)].forEach((d, i) => map.set(low + i, utf16(d[1]!)));
      } else {
        const first = m[3]!.slice(1, -1);
        const base = Number.parseInt(first.slice(-4), 16);
        for (let code = low; code <= high; code++) map.set(code, utf16(first.slice(0, -4)) + String.fromCharCode(base + code - low));
      }
    }
  }
  return { bytes, map };
}

export function pdfText(pdf: Buffer): string[] {
  const all = objects(pdf);
  const cmapOfFont = new Map<number, CMap>();
  for (const [id, obj] of all) {
    const ref = /\/ToUnicode\s+(\d+)\s+0\s+R/.exec(obj.dict);
    const stream = ref ? all.get(Number(ref[1]))?.stream : undefined;
    if (stream) cmapOfFont.set(id, parseCMap(stream.toString("latin1")));
  }
  const fontByName = new Map<string, CMap>();
  for (const obj of all.values()) {
    for (const block of obj.dict.matchAll(/\/Font\s*<<([^>]*)>>/g)) {
      for (const m of block[1]!.matchAll(/\/([^\s/]+)\s+(\d+)\s+0\s+R/g)) {
        const cmap = cmapOfFont.get(Number(m[2]));
        if (cmap) fontByName.set(m[1]!, cmap);
      }
    }
  }
  const texts: string[] = [];
  for (const obj of all.values()) {
    const content = obj.stream?.toString("latin1");
    if (!content || !/\bBT\b/.test(content) || /begincmap/.test(content)) continue;
    let font: CMap | undefined;
    let out = "";
    for (const token of content.matchAll(/\/([^\s/<[(]+)\s+[\d.]+\s+Tf|\[((?:<[0-9a-fA-F]*>|[^\]<])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\b(ET|Td|TD|T\*)\b/g)) {
      if (token[1] !== undefined) font = fontByName.get(token[1]);
      else if (token[4] !== undefined) out += " ";
      else {
        const hexes = token[2] !== undefined ? [...token[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]!) : [token[3]!];
        for (const hex of hexes) {
          const step = (font?.bytes ?? 2) * 2;
          for (let i = 0; i + step <= hex.length; i += step) out += font?.map.get(Number.parseInt(hex.slice(i, i + step), 16)) ?? "";
        }
      }
    }
    texts.push(out);
  }
  return texts;
}
