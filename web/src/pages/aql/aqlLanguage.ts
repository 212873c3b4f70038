/** AQL highlighting for CodeMirror (a StreamLanguage: keywords, strings, numbers, comments, names). */
import { StreamLanguage, type StreamParser } from "@codemirror/language";
import { KEYWORDS } from "./complete";

const KW = new Set(KEYWORDS.map((k) => k.toUpperCase()));
const FUNCS = new Set(["JSON", "LIST", "MAP", "GEOJSON", "CAST"]);

interface St {
  comment: boolean;
}

const parser: StreamParser<St> = {
  name: "aql",
  startState: () => ({ comment: false }),
  token(stream, st) {
    if (st.comment) {
      if (stream.skipTo("*/")) {
        stream.pos += 2;
        st.comment = false;
      } else stream.skipToEnd();
      return "comment";
    }
    if (stream.eatSpace()) return null;
    if (stream.match("--")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match("/*")) {
      st.comment = true;
      return "comment";
    }
    if (stream.match(/^[xX]'[0-9a-fA-F]*'/)) return "string.special";
    const ch = stream.peek();
    if (ch === "'" || ch === '"') {
      stream.next();
      let escaped = false;
      for (let c = stream.next(); c !== undefined; c = stream.next()) {
        if (c === ch && !escaped) break;
        escaped = c === "\\" && !escaped;
      }
      return "string";
    }
    if (ch === "`") {
      stream.next();
      stream.skipTo("`") ? stream.next() : stream.skipToEnd();
      return "variableName";
    }
    if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return "number";
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_$]*(-[A-Za-z0-9_$]+)*/)) {
      const w = stream.current().toUpperCase();
      if (FUNCS.has(w) && stream.peek() === "(") return "typeName";
      if (w === "TRUE" || w === "FALSE") return "bool";
      return KW.has(w) ? "keyword" : "variableName";
    }
    stream.next();
    return "punctuation";
  },
  languageData: { commentTokens: { line: "--", block: { open: "/*", close: "*/" } } },
};

export const aqlLanguage = StreamLanguage.define(parser);
