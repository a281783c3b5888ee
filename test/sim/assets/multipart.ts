/**
 * multipart/form-data parsing for the upload host.
 *
 * First the platform parser (`Request.formData()`, undici); when that refuses the body, a
 * lenient parser that also takes what real OSS accepts: unquoted `name=value` parameters in
 * Content-Disposition (the .NET SDK in the captures sends `name=OSSAccessKeyId`), LF-only line
 * breaks, and parts whose headers are not followed by a blank line (as in the stored capture).
 */

export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export async function parseMultipart(body: Buffer, contentType: string): Promise<FormPart[]> {
  try {
    const form = await new Request('http://upload.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: body as unknown as BodyInit,
    }).formData();
    const parts: FormPart[] = [];
    for (const [name, value] of form) {
      if (typeof value === 'string') {
        parts.push({ name, data: Buffer.from(value, 'utf8') });
      } else {
        parts.push({
          name,
          filename: value.name,
          contentType: value.type || undefined,
          data: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return parts;
  } catch {
    return parseMultipartLenient(body, contentType);
  }
}

function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function dispositionParam(header: string, key: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
  const m = re.exec(header);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!.trim();
}

/** Throws when the body is not multipart at all (no boundary or no parts). */
export function parseMultipartLenient(body: Buffer, contentType: string): FormPart[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error('no boundary');
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  // Positions of delimiters that start a line.
  const marks: number[] = [];
  let from = 0;
  for (;;) {
    const i = body.indexOf(delim, from);
    if (i < 0) break;
    if (i === 0 || body[i - 1] === 0x0a || (i >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf && i === 3)) marks.push(i);
    from = i + delim.length;
  }
  if (marks.length < 2) throw new Error('no parts');
  const parts: FormPart[] = [];
  for (let k = 0; k < marks.length - 1; k++) {
    let p = marks[k]! + delim.length;
    if (body[p] === 0x2d && body[p + 1] === 0x2d) break; // closing delimiter
    // Skip to the end of the delimiter line.
    const eol = body.indexOf(0x0a, p);
    if (eol < 0) break;
    p = eol + 1;
    // Content ends before the line break preceding the next delimiter.
    let end = marks[k + 1]!;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    if (end < p) end = p;
    // Headers.
    const headers: Record<string, string> = {};
    for (;;) {
      const nl = body.indexOf(0x0a, p);
      if (nl < 0 || nl > end) break;
      const line = body.subarray(p, nl).toString('utf8').replace(/\r$/, '');
      if (line === '') {
        p = nl + 1;
        break;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (!m) break; // no blank line after the headers: the content starts here
      headers[m[1]!.toLowerCase()] = m[2]!;
      p = nl + 1;
    }
    const disposition = headers['content-disposition'];
    if (!disposition) continue;
    const name = dispositionParam(disposition, 'name');
    if (name === undefined) continue;
    parts.push({
      name,
      filename: dispositionParam(disposition, 'filename'),
      contentType: headers['content-type'],
      data: Buffer.from(body.subarray(p, Math.max(p, end))),
    });
  }
  if (parts.length === 0) throw new Error('no parts');
  return parts;
}
