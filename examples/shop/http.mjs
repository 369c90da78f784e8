// Small HTTP helpers shared by the handlers: every handler returns { status, body }.

export const ok = (body) => ({ status: 200, body });
export const created = (body) => ({ status: 201, body });
export const badRequest = (message) => ({ status: 400, body: { error: message } });
export const unauthorized = (message) => ({ status: 401, body: { error: message } });
export const notFound = (message) => ({ status: 404, body: { error: message } });

/** Reads a JSON request body (at most 64 KiB). */
export async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 65536) return { error: 'request body larger than 64 KiB' };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { error: 'expected a JSON body' };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: 'request body is not valid JSON' };
  }
}
