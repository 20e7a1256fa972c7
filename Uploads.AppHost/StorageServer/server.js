'use strict';
// Runs s3rver for the AppHost: the same server its CLI starts, with one S3 behaviour s3rver gets wrong put right.
//   node server.js DIRECTORY ADDRESS PORT BUCKET CORS_XML
const fs = require('fs');
const S3rver = require('s3rver');
const objects = require('s3rver/lib/controllers/object');

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

fs.mkdirSync(directory, { recursive: true });
const server = new S3rver({
  directory,
  address,
  port: Number(port),
  configureBuckets: [{ name: bucket, configs: [fs.readFileSync(cors)] }],
});
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
