using System.Buffers;
using System.Security.Cryptography;

namespace Uploads.Infrastructure.Storage;

/// <summary>
/// SHA-256 of a stream, read one pooled buffer at a time: memory does not grow with the content. The worker hashes
/// every file with it, and the benchmark measures its ceiling with it.
/// </summary>
public static class ContentHasher
{
    /// <param name="onChunk">Called with each chunk before the buffer is reused (the worker caches it on the way).</param>
    public static async Task<string> Sha256Async(
        Stream content, int bufferBytes, Func<ReadOnlyMemory<byte>, Task>? onChunk, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(bufferBytes);
        try
        {
            int read;
            while ((read = await content.ReadAtLeastAsync(buffer.AsMemory(0, bufferBytes), bufferBytes, throwOnEndOfStream: false, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                if (onChunk is not null)
                {
                    await onChunk(buffer.AsMemory(0, read));
                }
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
