using System.Net;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// One byte range of a file as a request body, streamed from disk. With <paramref name="failAfterBytes"/> the body
/// breaks off after that many bytes, as a dropped connection would, so that the request really fails mid-upload.
/// </summary>
public sealed class FileSegmentContent(string path, long offset, long length, long? failAfterBytes = null) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        file.Position = offset;
        var buffer = new byte[256 * 1024];
        for (long sent = 0; sent < length;)
        {
            if (failAfterBytes is { } limit && sent >= limit)
            {
                throw new IOException("The upload of this part was cut off (simulated).");
            }

            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - sent)));
            await stream.WriteAsync(buffer.AsMemory(0, read));
            sent += read;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return true;
    }

    long Length => length;
}
