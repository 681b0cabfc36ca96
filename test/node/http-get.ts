// A plain node:http GET without keep-alive, so tests leave no pooled client socket behind.
import { request } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(url: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, signal: AbortSignal.timeout(5000) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

// Tests read arbitrary fields of the reply; they assert on them rather than type them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function getJson(url: string): Promise<{ status: number; json: any }> {
  const reply = await httpGet(url);
  return { status: reply.status, json: JSON.parse(reply.body) };
}
