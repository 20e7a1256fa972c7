// Uppy for the /uppy page: the Dashboard, the S3 uploader speaking Companion's protocol, and Golden Retriever for resuming.
import '@uppy/core/dist/style.min.css';
import '@uppy/dashboard/dist/style.min.css';

export { default as Uppy } from '@uppy/core';
export { default as Dashboard } from '@uppy/dashboard';
export { default as AwsS3 } from '@uppy/aws-s3';
export { default as GoldenRetriever } from '@uppy/golden-retriever';
