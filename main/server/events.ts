import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { events, type EventName, type EventPayload } from '../core/api/contract.js';

/** Pushes contract events to every connected page over /ws; the caller authenticates upgrades. */
export class EventHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly alive = new WeakMap<WebSocket, boolean>();
  // Pings drop clients whose laptop went to sleep instead of keeping them forever.
  private readonly timer = setInterval(() => this.sweep(), 30_000);

  constructor() {
    this.timer.unref();
    this.wss.on('connection', (ws) => {
      this.alive.set(ws, true);
      ws.on('pong', () => this.alive.set(ws, true));
      // The page has nothing to say over this socket; ignore whatever arrives.
      ws.on('message', () => undefined);
      ws.on('error', () => ws.terminate());
    });
  }

  accept(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  broadcast<K extends EventName>(event: K, payload: EventPayload<K>): void {
    const checked = events[event].parse(payload);
    const msg = JSON.stringify({ event, payload: checked });
    for (const ws of this.wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(msg);
  }

  get clients(): number {
    return this.wss.clients.size;
  }

  private sweep(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.get(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

/** Refuse an upgrade with a plain HTTP status before any WebSocket handshake happens. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}
