/**
 * `POST /webhooks/<adapter>` (and `GET` for WhatsApp's verification) as an App Router route handler.
 * Next.js hands the handler a Web `Request` whose body has not been read: the raw bytes reach the
 * adapter, which verifies the signature over them. Reading the body first (`await request.json()` or
 * `request.formData()`) would consume it: pass the request on untouched.
 */
import { switchboard } from '../../../lib/switchboard';

// The adapters need Node's crypto and sockets: not the Edge runtime. Webhooks are never cached.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return switchboard().fetch(request);
}

export function GET(request: Request): Promise<Response> {
  return switchboard().fetch(request);
}
