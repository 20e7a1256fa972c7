using System.Security.Cryptography;
using Uploads.Infrastructure.Storage;

namespace Uploads.Tests.Storage;

public sealed class ContentHasherTests
{
    [Theory]
    [InlineData(0, 1024)]
    [InlineData(1, 1024)]
    [InlineData(1024, 1024)]
    [InlineData(1_000_003, 4096)]
    public async Task The_digest_and_the_chunks_are_those_of_the_whole_content_whatever_the_stream_hands_out_per_read(int length, int bufferBytes)
    {
        var content = RandomNumberGenerator.GetBytes(length);
        using var received = new MemoryStream();

        var digest = await ContentHasher.Sha256Async(new TrickleStream(content), bufferBytes, async chunk =>
        {
            await Task.Yield();
            received.Write(chunk.Span);
        }, CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), digest);
        Assert.Equal(content, received.ToArray());
    }

    [Fact]
    public async Task A_failing_chunk_handler_fails_the_hash_and_leaves_no_read_running()
    {
        var content = RandomNumberGenerator.GetBytes(100_000);
        var stream = new TrickleStream(content);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ContentHasher.Sha256Async(stream, 4096, _ => throw new InvalidOperationException("cache down"), CancellationToken.None));
        Assert.Equal(0, stream.ReadsInFlight);
    }

    /// <summary>Hands out at most 1,000 bytes per read, asynchronously, as a network stream does.</summary>
    sealed class TrickleStream(byte[] content) : Stream
    {
        int position;
        int readsInFlight;

        public int ReadsInFlight => readsInFlight;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Assert.Equal(1, Interlocked.Increment(ref readsInFlight));
            await Task.Yield();
            var count = Math.Min(Math.Min(buffer.Length, 1000), content.Length - position);
            content.AsMemory(position, count).CopyTo(buffer);
            position += count;
            Interlocked.Decrement(ref readsInFlight);
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => content.Length;
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
