using Microsoft.Win32.SafeHandles;
using Mono.Unix;
using Mono.Unix.Native;

namespace Uploads.Cli.Pushing;

/// <summary>
/// The client reads regular files only: nothing a symbolic link points to (it may lead out of the folder), nothing that
/// can block it or never end (a named pipe waits for a writer, a device streams for ever, a socket cannot be read).
/// Mono.Unix gives <c>lstat</c> and <c>open(2)</c> with <c>O_NOFOLLOW</c> as each platform defines them.
/// </summary>
public static class RegularFiles
{
    public const string Folder = "a folder";

    /// <summary>What is at <paramref name="path"/>, not following a link: null for a regular file (or nothing there).</summary>
    public static string? WhatElse(string path)
    {
        if (!UnixFileSystemInfo.TryGetFileSystemEntry(path, out var entry) || entry is not { Exists: true })
        {
            return null;
        }

        return entry.FileType switch
        {
            FileTypes.RegularFile => null,
            FileTypes.SymbolicLink => "a symbolic link",
            FileTypes.Fifo => "a named pipe",
            FileTypes.Socket => "a socket",
            FileTypes.CharacterDevice or FileTypes.BlockDevice => "a device",
            FileTypes.Directory => Folder,
            _ => "not a regular file",
        };
    }

    /// <summary>
    /// Opens the file for reading without following a link and without blocking, then checks on the open handle that it
    /// is the regular file of <paramref name="expectedSize"/> bytes it was found as: whatever replaced it meanwhile (a
    /// link, a pipe, other content) is refused, never read under its name.
    /// </summary>
    public static FileStream OpenRead(string path, long expectedSize)
    {
        var descriptor = Syscall.open(path, OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC);
        if (descriptor < 0)
        {
            var error = Stdlib.GetLastError();
            throw new IOException(error == Errno.ELOOP
                ? $"{path} became a symbolic link; it is not followed."
                : $"{path} cannot be opened: {UnixMarshal.GetErrorDescription(error)}.");
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        try
        {
            if (Syscall.fstat(descriptor, out var status) != 0 || (status.st_mode & FilePermissions.S_IFMT) != FilePermissions.S_IFREG)
            {
                throw new IOException($"{path} is no longer a regular file.");
            }

            if (status.st_size != expectedSize)
            {
                throw new IOException($"{path} changed: {status.st_size} bytes now, {expectedSize} when it was found.");
            }

            return new FileStream(handle, FileAccess.Read, bufferSize: 1);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
