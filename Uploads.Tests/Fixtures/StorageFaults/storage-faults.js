'use strict';
// Loaded into the tests' s3rver (NODE_OPTIONS=--require), never into a deployment: counts every part PUT storage receives,
// by upload id and part number, and refuses chosen parts once (503 SlowDown, as S3 answers under load) after reading
// their body, as a real store does; hides a chosen object from its first reads after it was stored. Told what to do over HTTP on 127.0.0.1:$UPLOADS_TEST_STORAGE_CONTROL_PORT:
//   POST /refusals {"parts":[2,5]}   refuse the next PUT of each of these part numbers, whatever the upload
//   GET  /received?uploadId=ID       {"parts":{"1":1,"2":2,…},"max_in_flight":4}: the PUTs received per part (refused
//                                    ones included), and the most that were in progress at once
//   GET  /refused                    [{"uploadId":…,"partNumber":…},…]
//   POST /hidden {"prefix":P,"reads":2} the next 2 HEADs or GETs of keys starting with P, of objects already stored,
//                                    answer 404 NoSuchKey, as a store whose read-after-write lags does
//   GET  /hidden?prefix=P            {"answered_missing":2}: the reads under P this fault answered 404
const fs = require('fs');
const http = require('http');
const { createRequire } = require('module');

const fromServer = createRequire(process.argv[1]);
const objects = fromServer('s3rver/lib/controllers/object');
const S3Error = fromServer('s3rver/lib/models/error');

const received = new Map();
const inFlight = new Map();
const refused = [];
let refusals = [];

const uploadPart = objects.uploadPart;
objects.uploadPart = async ctx => {
  const uploadId = String(ctx.query.uploadId);
  const partNumber = Number(ctx.query.partNumber);
  const upload = received.get(uploadId) ?? { parts: {}, max_in_flight: 0 };
  upload.parts[partNumber] = (upload.parts[partNumber] ?? 0) + 1;
  received.set(uploadId, upload);
  inFlight.set(uploadId, (inFlight.get(uploadId) ?? 0) + 1);
  upload.max_in_flight = Math.max(upload.max_in_flight, inFlight.get(uploadId));
  // An aborted request never ends s3rver's part write: it is out of flight when its connection closes.
  ctx.req.once('close', () => inFlight.set(uploadId, inFlight.get(uploadId) - 1));
  if (refusals.includes(partNumber)) {
    refusals = refusals.filter(number => number !== partNumber);
    refused.push({ uploadId, partNumber });
    await new Promise(resolve => ctx.req.resume().on('end', resolve).on('close', resolve));
    throw new S3Error('SlowDown', 'Please reduce your request rate.');
  }
  return uploadPart(ctx);
};

const hidden = new Map();

const getObject = objects.getObject;
objects.getObject = async ctx => {
  const rule = [...hidden].find(([prefix]) => ctx.params.key.startsWith(prefix))?.[1];
  if (rule && rule.remaining > 0) {
    const stored = await fs.promises.access(ctx.store.getResourcePath(ctx.params.bucket, ctx.params.key, 'object')).then(() => true, () => false);
    if (stored) {
      rule.remaining--;
      rule.answered_missing++;
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: ctx.params.key });
    }
  }
  return getObject(ctx);
};

const reply = (response, body) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

http.createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  if (request.method === 'POST' && url.pathname === '/refusals') {
    let body = '';
    request.on('data', chunk => { body += chunk; }).on('end', () => {
      refusals = refusals.concat(JSON.parse(body).parts);
      reply(response, { armed: refusals });
    });
  } else if (request.method === 'POST' && url.pathname === '/hidden') {
    let body = '';
    request.on('data', chunk => { body += chunk; }).on('end', () => {
      const { prefix, reads } = JSON.parse(body);
      hidden.set(prefix, { remaining: reads, answered_missing: 0 });
      reply(response, { armed: prefix });
    });
  } else if (url.pathname === '/hidden') {
    const rule = hidden.get(url.searchParams.get('prefix'));
    reply(response, { answered_missing: rule ? rule.answered_missing : 0 });
  } else if (url.pathname === '/received') {
    reply(response, received.get(url.searchParams.get('uploadId')) ?? { parts: {}, max_in_flight: 0 });
  } else if (url.pathname === '/refused') {
    reply(response, refused);
  } else {
    response.writeHead(404).end();
  }
}).listen(Number(process.env.UPLOADS_TEST_STORAGE_CONTROL_PORT), '127.0.0.1');
