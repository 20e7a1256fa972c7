'use strict';
// Runs s3rver for the AppHost: the same server its CLI starts, with four things s3rver gets wrong put right, the two
// multipart calls it lacks added (ListParts, AbortMultipartUpload: resumable clients and cancellation depend on them),
// and its object events sent on as MinIO's webhook sends them, when UPLOADS_STORAGE_EVENTS_URL is set.
//   node server.js DIRECTORY ADDRESS PORT BUCKET CORS_XML
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Readable, Transform } = require('stream');
const { pipeline } = require('stream/promises');
const S3rver = require('s3rver');
const objects = require('s3rver/lib/controllers/object');
const FilesystemStore = require('s3rver/lib/stores/filesystem');
const router = require('s3rver/lib/routes');
const S3Error = require('s3rver/lib/models/error');

const [directory, address, port, bucket, cors] = process.argv.slice(2);
if (!cors) {
  console.error('usage: node server.js DIRECTORY ADDRESS PORT BUCKET CORS_XML');
  process.exit(2);
}

// S3 takes x-amz-copy-source URL-encoded, and the AWS SDKs encode it whole ("bucket%2Fkey"); s3rver decodes it with
// decodeURI, which leaves "%2F" alone, so every SDK copy finds no bucket. Decoded here, after s3rver checked the
// request's signature over the header as it was sent.
const putObjectCopy = objects.putObjectCopy;
objects.putObjectCopy = ctx => {
  ctx.headers['x-amz-copy-source'] = decodeURIComponent(ctx.headers['x-amz-copy-source']);
  return putObjectCopy(ctx);
};

// After deleting an object, s3rver removes the directories that delete left empty. A PUT into the same directory
// that has made it but not yet opened its file then fails with ENOENT, on a write stream with no error handler, and
// the whole server exits: with uploads sealed and deleted while others arrive, that happens under load. The files
// are deleted as s3rver does; empty directories stay, which S3 semantics never see.
FilesystemStore.prototype.deleteObject = async function deleteObject(bucket, key) {
  await Promise.all(['object', 'object.md5', 'metadata.json'].map(kind =>
    fs.promises.unlink(this.getResourcePath(bucket, key, kind)).catch(error => {
      if (error.code !== 'ENOENT') throw error;
    })));
};

// s3rver answers a PUT, a POST or a multipart completion once it has read the body, not once the object is on disk:
// its promise resolves when the body ends (at once for a buffered one) while its write stream may not even have opened
// the file. Under load a HEAD right after the 200 then found nothing (404) or part of the object. Here an object is
// written to a temporary file (never listed: it lacks s3rver's object suffix), its checksum and metadata next, and it
// takes its name by a rename once all of it is on disk: visible whole, or not at all.
FilesystemStore.prototype.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
  const temporary = `${objectPath}.${crypto.randomUUID()}.partial`;
  const md5 = crypto.createHash('md5');
  let size = 0;
  const measure = new Transform({
    transform(chunk, encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    const content = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    await pipeline(content, measure, fs.createWriteStream(temporary));
    const digest = md5.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    await fs.promises.rename(temporary, objectPath);
    return { size, md5: digest };
  } catch (error) {
    await fs.promises.unlink(temporary).catch(() => {});
    throw error;
  }
};

// s3rver ignores If-Match on GET; S3 and MinIO answer 412 when the object's ETag is another. The services read a
// verified object only on that condition, so the development store keeps it too.
const getObject = objects.getObject;
objects.getObject = async ctx => {
  const ifMatch = ctx.headers['if-match'];
  if (ifMatch && ifMatch !== '*') {
    const metadata = await ctx.store.getMetadata(ctx.params.bucket, ctx.params.key).catch(error => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (metadata && metadata.etag !== ifMatch) {
      throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Match' });
    }
  }
  return getObject(ctx);
};

// s3rver answers GET and DELETE with ?uploadId= "method not allowed". Both are added to the object routes' own handlers,
// after s3rver's authentication has checked the request's signature, as S3 defines them.
function uploadDirectory(ctx) {
  return `${ctx.store.getResourcePath(ctx.params.bucket, undefined, 'uploads')}/${ctx.query.uploadId}`;
}

async function openUpload(ctx) {
  const uploadDir = uploadDirectory(ctx);
  const key = await fs.promises.readFile(`${uploadDir}/key`, 'utf8').catch(() => null);
  if (!/^[0-9a-f]{32}$/.test(ctx.query.uploadId) || key !== ctx.params.key) {
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', { UploadId: ctx.query.uploadId });
  }
  return uploadDir;
}

async function listParts(ctx) {
  const uploadDir = await openUpload(ctx);
  const numbers = (await fs.promises.readdir(uploadDir)).filter(name => /^\d+$/.test(name)).map(Number).sort((a, b) => a - b);
  const parts = await Promise.all(numbers.map(async number => {
    const [stat, md5] = await Promise.all([
      fs.promises.stat(`${uploadDir}/${number}`),
      fs.promises.readFile(`${uploadDir}/${number}.md5`, 'utf8').catch(() => null),
    ]);
    return md5 && { PartNumber: number, LastModified: stat.mtime.toISOString(), ETag: JSON.stringify(md5), Size: stat.size };
  }));
  ctx.body = {
    ListPartsResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Bucket: ctx.params.bucket,
      Key: ctx.params.key,
      UploadId: ctx.query.uploadId,
      MaxParts: 10000,
      IsTruncated: false,
      Part: parts.filter(Boolean),
    },
  };
}

async function abortMultipartUpload(ctx) {
  await fs.promises.rm(await openUpload(ctx), { recursive: true, force: true });
  ctx.status = 204;
}

for (const layer of router.stack.filter(layer => layer.path === '/:bucket/:key+')) {
  const added = layer.methods.includes('GET') ? listParts : layer.methods.includes('DELETE') ? abortMultipartUpload : null;
  if (!added) continue;
  const handler = layer.stack[layer.stack.length - 1];
  layer.stack[layer.stack.length - 1] = ctx => (ctx.params.queryMethod === 'uploadId' ? added(ctx) : handler(ctx));
}

fs.mkdirSync(directory, { recursive: true });
const server = new S3rver({
  directory,
  address,
  port: Number(port),
  configureBuckets: [{ name: bucket, configs: [fs.readFileSync(cors)] }],
});
// s3rver emits an S3 event notification ({"Records": [...]}) for every object created or deleted. Each creation is POSTed
// with the shared token, tried three times; one that cannot be delivered leaves its upload to the client's confirmation.
const eventsUrl = process.env.UPLOADS_STORAGE_EVENTS_URL;
if (eventsUrl) {
  const token = process.env.UPLOADS_STORAGE_EVENTS_SECRET;
  server.on('event', async event => {
    if (!event.Records[0].eventName.startsWith('ObjectCreated:')) return;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(eventsUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(5000),
        });
        if (response.ok) return;
        throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        if (attempt === 3) {
          console.error(`storage event ${event.Records[0].eventName} ${event.Records[0].s3.object.key} not delivered: ${error.message}`);
          return;
        }
        await new Promise(resolve => setTimeout(resolve, 500 * attempt));
      }
    }
  });
}

server.run().then(
  ({ port: listening }) => console.log(`s3rver listening on ${address}:${listening}`),
  error => {
    console.error(error);
    process.exit(1);
  },
);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
