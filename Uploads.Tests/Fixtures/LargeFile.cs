using System.Security.Cryptography;

namespace Uploads.Tests.Fixtures;

/// <summary>A file of random bytes on disk, with its digest computed while it was written: large content without large memory.</summary>
public sealed class LargeFile : IDisposable
{
    LargeFile(string path, long length, string sha256)
    {
        Path = path;
        Length = length;
        Sha256 = sha256;
    }

    public string Path { get; }
    public long Length { get; }
    public string Sha256 { get; }

    /// <summary>A new file of <paramref name="length"/> random bytes, at <paramref name="path"/> or in the temporary folder.</summary>
    public static async Task<LargeFile> CreateAsync(long length, string? path = null)
    {
        path ??= System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"uploads-large-{Guid.NewGuid():N}.bin");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        await using (var file = File.Create(path))
        {
            for (var written = 0L; written < length; written += buffer.Length)
            {
                var chunk = (int)Math.Min(buffer.Length, length - written);
                Random.Shared.NextBytes(buffer.AsSpan(0, chunk));
                hash.AppendData(buffer, 0, chunk);
                await file.WriteAsync(buffer.AsMemory(0, chunk));
            }
        }

        return new LargeFile(path, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public void Dispose() => File.Delete(Path);
}
