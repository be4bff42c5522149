// A small RFC 4180 CSV reader, written here because the page has no build step and no dependencies
// (the CLI bundles csv-parse; the page cannot). It reads:
//   * fields separated by commas, records by CRLF, LF or CR;
//   * quoted fields ("a, b"), with a doubled quote for a quote ("say ""hi""") and line breaks inside;
//   * a UTF-8 byte order mark at the start (dropped).
// A quote inside an unquoted field is kept as it is (as spreadsheets write it); text after a closing
// quote, or a quote left open at the end, is an error naming the record. Nothing here touches the DOM.

/**
 * Parses `text`. Returns { records: [{ fields: string[], row: number }], error: null | { row, message } }
 * where `row` is the record's number as a spreadsheet shows it (the header is 1; a quoted field with line
 * breaks is still one row). A blank line is a record with one empty field.
 */
export function parseCsv(text) {
  let s = String(text);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const records = [];
  let fields = [];
  let field = "";
  let i = 0;
  const n = s.length;
  // true right after a delimiter or at a record start: a quote there opens a quoted field.
  let atFieldStart = true;
  const endField = () => {
    fields.push(field);
    field = "";
  };
  const endRecord = () => {
    endField();
    records.push({ fields, row: records.length + 1 });
    fields = [];
  };
  while (i < n) {
    const c = s[i];
    if (atFieldStart && c === '"') {
      // A quoted field: up to the closing quote; "" is one quote.
      const startRow = records.length + 1;
      i++;
      for (;;) {
        if (i >= n) return { records, error: { row: startRow, message: "a quoted field is not closed" } };
        const q = s[i];
        if (q === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += q;
        i++;
      }
      // After the closing quote: a delimiter, a record end or the end of the text.
      if (i < n && s[i] !== "," && s[i] !== "\n" && s[i] !== "\r") {
        return { records, error: { row: startRow, message: "text after a closing quote (a quote inside a quoted field is written twice)" } };
      }
      atFieldStart = false;
      continue;
    }
    if (c === ",") {
      endField();
      atFieldStart = true;
      i++;
    } else if (c === "\n" || c === "\r") {
      endRecord();
      i += c === "\r" && s[i + 1] === "\n" ? 2 : 1;
      atFieldStart = true;
    } else {
      field += c;
      atFieldStart = false;
      i++;
    }
  }
  // The last record, unless the text ended with a line break.
  if (!(atFieldStart && fields.length === 0 && field === "")) endRecord();
  return { records, error: null };
}
