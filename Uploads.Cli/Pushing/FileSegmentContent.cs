using System.Buffers;
using System.Net;

namespace Uploads.Cli.Pushing;

/// <summary>A range of a file as a request body, read as it is sent: memory stays one buffer, whatever the file's size.</summary>
public sealed class FileSegmentContent(LocalFile file, long offset, long length, Action<long> sent) : HttpContent
{
    const int BufferBytes = 256 * 1024;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var content = file.OpenRead();
        content.Position = offset;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            for (var remaining = length; remaining > 0;)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"{file.FullPath} became shorter while it was uploaded.");
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                remaining -= read;
                sent(read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long computed)
    {
        computed = length;
        return true;
    }
}
