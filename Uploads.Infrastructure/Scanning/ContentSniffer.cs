using System.Runtime.InteropServices;

namespace Uploads.Infrastructure.Scanning;

/// <summary>
/// The media type of content from its first bytes, by libmagic (the library behind file(1), Debian's <c>libmagic1</c>
/// and its compiled database): thousands of maintained magic rules, not a table of our own. No .NET wrapper of it is
/// served here, so these are its four C calls. One cookie, used under a lock: libmagic cookies are not thread-safe, and
/// a call on the first kilobytes takes microseconds.
/// </summary>
public sealed partial class ContentSniffer : IDisposable
{
    const int MagicMimeType = 0x10;
    const string Library = "libmagic.so.1";
    readonly Lock gate = new();
    readonly IntPtr cookie;

    public ContentSniffer()
    {
        cookie = MagicOpen(MagicMimeType);
        if (cookie == IntPtr.Zero || MagicLoad(cookie, null) != 0)
        {
            var error = cookie == IntPtr.Zero ? "magic_open failed" : Marshal.PtrToStringUTF8(MagicError(cookie));
            throw new InvalidOperationException($"libmagic could not load its database ({error}); install Debian's libmagic1 and libmagic-mgc.");
        }
    }

    /// <summary>Looks at as many bytes as libmagic reads by default (its first megabyte at most).</summary>
    public const int BytesNeeded = 1024 * 1024;

    /// <summary>A media type such as <c>image/png</c>, <c>application/x-executable</c> or <c>application/octet-stream</c>.</summary>
    public unsafe string Sniff(ReadOnlySpan<byte> head)
    {
        lock (gate)
        {
            fixed (byte* bytes = head)
            {
                var type = MagicBuffer(cookie, bytes, (nuint)head.Length);
                return type == IntPtr.Zero ? "application/octet-stream" : Marshal.PtrToStringUTF8(type) ?? "application/octet-stream";
            }
        }
    }

    public void Dispose() => MagicClose(cookie);

    [LibraryImport(Library, EntryPoint = "magic_open")]
    private static partial IntPtr MagicOpen(int flags);

    [LibraryImport(Library, EntryPoint = "magic_load", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MagicLoad(IntPtr cookie, string? databases);

    [LibraryImport(Library, EntryPoint = "magic_buffer")]
    private static unsafe partial IntPtr MagicBuffer(IntPtr cookie, byte* buffer, nuint length);

    [LibraryImport(Library, EntryPoint = "magic_error")]
    private static partial IntPtr MagicError(IntPtr cookie);

    [LibraryImport(Library, EntryPoint = "magic_close")]
    private static partial void MagicClose(IntPtr cookie);
}
