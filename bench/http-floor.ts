/**
 * The cost of HTTP alone on this machine: a `node:http` server, in a process of its own, that
 * reads and parses each request's JSON body and answers a fixed JSON body shaped like a single
 * scan's answer, with no other work. What it costs per request is the least any Node server
 * spends to answer one, which bounds what single-scan requests can reach against the raw baseline.
 */
import { spawn } from 'node:child_process';
import { onceReady } from './support';

const ANSWER = JSON.stringify({
  accepted: 1,
  duplicates: 0,
  rejected: [],
  results: [{ index: 0, id: '00000000-0000-4000-8000-000000000000', status: 'ACCEPTED' }],
});

const SERVER = `
  const http = require('node:http');
  const answer = ${JSON.stringify(ANSWER)};
  http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(answer);
    });
  }).listen(Number(process.argv[1]), '127.0.0.1', () => console.log('listening'));
`;

export async function startHttpFloor(
  port: number,
): Promise<{ pid: number; stop(): Promise<void> }> {
  const server = spawn(process.execPath, ['-e', SERVER, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return onceReady(server, 'listening', 'HTTP floor server');
}
